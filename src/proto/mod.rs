//! TEMPORARY until the descriptor module lands.
pub mod wire;
/// Profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// Exact.
    #[default]
    Exact,
    /// Text.
    Text,
}
