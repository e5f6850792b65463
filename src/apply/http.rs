//! The executor's [`Target`] over the ConnectWise client.

use serde_json::Value as Json;

use super::error::ApplyError;
use super::executor::{Target, WriteFailure};
use super::write::{Lookup, Write};
use crate::connectwise::{Client, Conditions, Error, ListParams, PatchOp, Request};

/// Writes through a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientTarget {
    client: Client,
}

impl ClientTarget {
    /// A target over `client`.
    pub fn new(client: Client) -> ClientTarget {
        ClientTarget { client }
    }
}

/// What the executor needs from a client error: the failure, typed (ConnectWise's field errors are
/// in its text once, as the client renders them), and whether the write may have committed.
fn failure(err: &Error) -> WriteFailure {
    WriteFailure::from(err)
}

fn patch_ops(body: &Json) -> Result<Vec<PatchOp>, WriteFailure> {
    let invalid = |what: &str| WriteFailure::internal(format!("malformed patch body ({what})"));
    body.as_array()
        .ok_or_else(|| invalid("not an array"))?
        .iter()
        .map(|op| {
            let field = op
                .get("path")
                .and_then(Json::as_str)
                .ok_or_else(|| invalid("no path"))?;
            match op.get("op").and_then(Json::as_str) {
                Some("remove") => Ok(PatchOp::remove(field)),
                _ => PatchOp::replace(field, &op.get("value").cloned().unwrap_or(Json::Null))
                    .map_err(|_| invalid("value")),
            }
        })
        .collect()
}

fn id32(id: i64) -> Result<i32, WriteFailure> {
    i32::try_from(id).map_err(|_| WriteFailure {
        error: ApplyError::Request {
            detail: format!("record id {id} does not fit ConnectWise's 32-bit ids"),
        },
        may_have_committed: false,
        wrong_site: false,
    })
}

impl Target for ClientTarget {
    async fn write(&self, write: &Write) -> Result<Json, WriteFailure> {
        let request = match write {
            Write::Post { kind, path, body } => {
                Request::create(kind, path, body).map_err(|e| failure(&e))?
            }
            Write::Patch {
                kind,
                path,
                id,
                body,
            } => Request::patch(kind, path, id32(*id)?, &patch_ops(body)?)
                .map_err(|e| failure(&e))?,
            Write::Delete { kind, path, id } => Request::delete(kind, path, id32(*id)?),
        };
        if matches!(write, Write::Delete { .. }) {
            self.client.send(&request).await.map_err(|e| failure(&e))?;
            return Ok(Json::Null);
        }
        self.client
            .send_json::<Json>(&request)
            .await
            .map_err(|e| failure(&e))
    }

    async fn find(&self, lookup: &Lookup) -> Result<Vec<Json>, WriteFailure> {
        let params = ListParams::new()
            .conditions(Conditions::raw(lookup.conditions.clone()))
            .fields(lookup.fields.iter().copied());
        self.client
            .raw_endpoint(lookup.kind, lookup.path.clone())
            .list_all(&params)
            .await
            .map_err(|e| failure(&e))
    }
}
