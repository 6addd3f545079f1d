//! What every answer carries, failed or not.

use serde::{Deserialize, Serialize};

/// Information about the context of a response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResponseContext {
    /// The ID of the request.
    pub request_id: String,
}
