//! stub
use super::{Config, Problem};
pub(crate) fn validate(_config: &Config) -> Vec<Problem> {
    Vec::new()
}
