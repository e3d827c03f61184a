#!/usr/bin/env python3
"""Runs bigframes' own _to_bigtable / _to_pubsub offline and prints what they send.

Usage: bigframes_export_sql.py WHEEL CASES.json [--project P]

WHEEL is a downloaded bigframes wheel (tests/py/venv.sh fetches 2.51.0); bigframes is
not installed: the two functions are read out of bigframes/streaming/dataframe.py in the
wheel and executed with a stub session whose BigQuery client (python-bigquery, anonymous
credentials) talks to a fake HTTP session that records the request instead of sending it.

CASES.json is a list of {"fn": "_to_bigtable" | "_to_pubsub", "query": SQL, "kwargs": {...}}
(kwargs as bigframes takes them; bigtable_options as a JSON object, key order kept).
Prints one JSON line per case: {"sql": the EXPORT DATA text, "body": the jobs.insert body}.

Adapted from shared/peers/py/bigframes_export_sql.py (same mechanism, cases from a file).
"""
import __future__
import ast
import json
import sys
import types
import warnings
import zipfile
from typing import Optional

import requests
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery


def load_functions(wheel):
    src = zipfile.ZipFile(wheel).read("bigframes/streaming/dataframe.py").decode()
    tree = ast.parse(src)
    funcs = [n for n in tree.body
             if isinstance(n, ast.FunctionDef) and n.name in ("_to_bigtable", "_to_pubsub")]
    if len(funcs) != 2:
        sys.exit("the wheel has no _to_bigtable/_to_pubsub in bigframes/streaming/dataframe.py")
    mod = ast.Module(body=funcs, type_ignores=[])
    bfe = types.SimpleNamespace(format_message=lambda m: m, PreviewWarning=UserWarning)
    ns = {"json": json, "warnings": warnings, "Optional": Optional, "bigquery": bigquery,
          "bfe": bfe, "bigframes": types.SimpleNamespace(get_global_session=None)}
    exec(compile(ast.fix_missing_locations(mod), "bigframes/streaming/dataframe.py", "exec",
                 flags=__future__.annotations.compiler_flag, dont_inherit=True), ns)
    return ns


class FakeHttp:
    is_mtls = False

    def __init__(self, project):
        self.project = project
        self.calls = []

    def request(self, method, url, data=None, headers=None, timeout=None, **kw):
        body = json.loads(data) if data else None
        self.calls.append(body)
        resp = dict(body or {})
        resp.setdefault("jobReference", {"projectId": self.project, "jobId": "x"})
        resp["status"] = {"state": "RUNNING"}
        r = requests.Response()
        r.status_code = 200
        r._content = json.dumps(resp).encode()
        r.headers["content-type"] = "application/json"
        r.request = requests.Request(method, url).prepare()
        return r


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    project = sys.argv[sys.argv.index("--project") + 1] if "--project" in sys.argv else "my-project"
    args = [a for a in args if a != project]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    ns = load_functions(args[0])
    cases = json.load(open(args[1]))
    for case in cases:
        http = FakeHttp(project)
        client = bigquery.Client(project=project, credentials=AnonymousCredentials(), _http=http)
        session = types.SimpleNamespace(bqclient=client)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ns[case["fn"]](case["query"], session=session, **case["kwargs"])
        if len(http.calls) != 1:
            sys.exit("expected one request per case, got %d" % len(http.calls))
        body = http.calls[0]
        print(json.dumps({"sql": body["configuration"]["query"]["query"], "body": body}))


if __name__ == "__main__":
    main()
