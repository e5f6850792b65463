//! stub
/// stub
#[derive(Debug)]
pub struct Credentials;
/// stub
#[derive(Debug)]
pub struct CredentialsError;
