//! The marketing-event callback URL: set and get.

use serde::{Deserialize, Serialize};

use super::lenient;

/// Set callback request (§3.17).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SetCallbackRequest {
    /// The calling (creator) mchid.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub mchid: String,
    /// https URL receiving marketing events.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub notify_url: String,
    /// `true` = push on, `false` = off; absent = on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switch: Option<bool>,
}

/// Set callback response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SetCallbackResponse {
    /// When the setting took effect.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub update_time: String,
    /// The URL now set.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub notify_url: String,
}

/// Get callback request (§3.18).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GetCallbackRequest {
    /// Query: the merchant.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub mchid: String,
}

/// Get callback response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GetCallbackResponse {
    /// The URL set.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub notify_url: String,
    /// The merchant.
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub mchid: String,
}
