//! The macros the generated [`crate::models`] invokes, and the JSON bridge between its records
//! and the core's binding-facing layer: `open_enum!` (an open string enum with an `Unknown`
//! variant), `record_json!` (`toJson()` on a record), `typed_operations!` (a typed build and
//! parse method per operation on `Client`) and `typed_pagers!` (a typed pager object per paged
//! operation). The generated records carry serde derives with the wire names, so a
//! record becomes the core's JSON request and the core's decoded JSON becomes a record.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wechatpay_coupons::error::{DecodeError, Error};

use crate::error::Result;

/// A record as the JSON value the core builds from.
pub fn to_json<T: Serialize>(record: &T) -> Result<serde_json::Value> {
    serde_json::to_value(record).map_err(|e| {
        Error::from(DecodeError {
            what: "request record".into(),
            reason: e.to_string(),
            body: Vec::new(),
        })
        .into()
    })
}

/// The core's decoded JSON as the record `T`. The records are generated from the same models,
/// so this fails only when the generated file is out of date with the core (the drift check
/// and the corpus tests guard that); the error then names the operation.
pub fn from_json<T: DeserializeOwned>(what: &str, value: serde_json::Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| {
        Error::from(DecodeError {
            what: what.to_owned(),
            reason: format!("the decoded value does not fit the generated record: {e}"),
            body: Vec::new(),
        })
        .into()
    })
}

/// An open string enum: one variant per known wire value and `Unknown { value }` for any other
/// string, written back verbatim. Kotlin sees a sealed class, Swift an enum with a case per
/// value; `wireValue()` gives the string.
macro_rules! open_enum {
    ($(#[doc = $doc:literal])* $name:ident { $($(#[doc = $vdoc:literal])* $variant:ident = $wire:literal,)+ }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $name {
            $($(#[doc = $vdoc])* $variant,)+
            /// A value this version does not know, kept verbatim.
            Unknown {
                /// The wire value.
                value: String,
            },
        }

        impl $name {
            /// Reads a wire value (exact match; anything else is `Unknown`).
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)+
                    other => Self::Unknown { value: other.to_owned() },
                }
            }

            /// The wire value.
            pub fn as_wire(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown { value } => value.as_str(),
                }
            }
        }

        #[uniffi::export]
        impl $name {
            /// The value as WeChat Pay writes it, e.g. `CUT_TO`.
            pub fn wire_value(&self) -> String {
                self.as_wire().to_owned()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_wire())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok(Self::from_wire(&s))
            }
        }
    };
}
pub(crate) use open_enum;

/// `toJson()` on a record: its JSON text with WeChat Pay's field names (for logs and storage).
macro_rules! record_json {
    ($name:ident) => {
        #[uniffi::export]
        impl $name {
            /// This record as JSON text, with WeChat Pay's field names.
            pub fn to_json(&self) -> String {
                serde_json::to_string(self).unwrap_or_default()
            }
        }
    };
}
pub(crate) use record_json;

/// For each `json` row a typed build method (`createStock(request)`) and a typed parse method
/// (`parseCreateStock(status, headers, body)`) on `Client`; for each `multipart` row (the image
/// upload, built by `uploadImage(filename, data)`) the typed parse method only. Also
/// [`request_round_trip`] and [`response_round_trip`], which the tests use to prove every
/// corpus value survives the records unchanged.
macro_rules! typed_operations {
    (
        json { $($(#[doc = $doc:literal])* $name:ident / $parse:ident : $req:ident => $resp:ident;)* }
        multipart { $($(#[doc = $mdoc:literal])* $mname:ident / $mparse:ident => $mresp:ident;)* }
    ) => {
        #[uniffi::export]
        impl Client {
            $(
                $(#[doc = $doc])*
                ///
                /// Validates `request`, then returns the signed request to send; `validation`
                /// (`default`, `strict` or a JSON policy) overrides the client's policy.
                #[uniffi::method(default(validation = None))]
                pub fn $name(
                    &self,
                    request: $req,
                    validation: Option<String>,
                ) -> crate::error::Result<crate::types::SignedRequest> {
                    crate::operations::build(self, stringify!($name), crate::wire::to_json(&request)?, validation)
                }

                /// Verifies and decodes this operation's response.
                pub fn $parse(
                    &self,
                    status: u16,
                    headers: std::collections::HashMap<String, Vec<String>>,
                    body: Vec<u8>,
                ) -> crate::error::Result<$resp> {
                    let value = crate::operations::parse(self, stringify!($name), status, headers, body)?;
                    crate::wire::from_json(stringify!($name), value)
                }
            )*
            $(
                $(#[doc = $mdoc])*
                ///
                /// Verifies and decodes the response.
                pub fn $mparse(
                    &self,
                    status: u16,
                    headers: std::collections::HashMap<String, Vec<String>>,
                    body: Vec<u8>,
                ) -> crate::error::Result<$mresp> {
                    let value = crate::operations::parse(self, stringify!($mname), status, headers, body)?;
                    crate::wire::from_json(stringify!($mname), value)
                }
            )*
        }

        /// Operation `name`'s request parameters read into its request record and written back
        /// (`None` for an unknown or multipart operation).
        #[doc(hidden)]
        pub fn request_round_trip(name: &str, value: serde_json::Value) -> Option<crate::error::Result<serde_json::Value>> {
            match name {
                $(stringify!($name) => Some(
                    crate::wire::from_json::<$req>(name, value).and_then(|r| crate::wire::to_json(&r)),
                ),)*
                _ => None,
            }
        }

        /// Operation `name`'s decoded response read into its response record and written back
        /// (`None` for an unknown operation).
        #[doc(hidden)]
        pub fn response_round_trip(name: &str, value: serde_json::Value) -> Option<crate::error::Result<serde_json::Value>> {
            match name {
                $(stringify!($name) => Some(
                    crate::wire::from_json::<$resp>(name, value).and_then(|r| crate::wire::to_json(&r)),
                ),)*
                $(stringify!($mname) => Some(
                    crate::wire::from_json::<$mresp>(name, value).and_then(|r| crate::wire::to_json(&r)),
                ),)*
                _ => None,
            }
        }
    };
}
pub(crate) use typed_operations;

/// A pager object per paged operation (`ListStocksPager`) and its constructor on `Client`
/// (`listStocksPager(request)`). The invoking module imports `Client` (uniffi exports only
/// impl blocks of unqualified types).
macro_rules! typed_pagers {
    ($($(#[doc = $doc:literal])* $name:ident / $ctor:ident / $pager:ident : $req:ident => $page:ident;)*) => {
        $(
            $(#[doc = $doc])*
            ///
            /// Call `nextRequest()` until it returns `null`; send each request and hand its
            /// response to `accept`, which verifies and decodes the page and moves past it.
            #[derive(uniffi::Object)]
            pub struct $pager(crate::pager::PageWalker);

            #[uniffi::export]
            impl $pager {
                /// The signed request of the next page, or `null` once the last page was accepted.
                pub fn next_request(&self) -> crate::error::Result<Option<crate::types::SignedRequest>> {
                    self.0.next_request()
                }

                /// Verifies and decodes the response to the last `nextRequest()`, moves past that
                /// page and returns it.
                pub fn accept(
                    &self,
                    status: u16,
                    headers: std::collections::HashMap<String, Vec<String>>,
                    body: Vec<u8>,
                ) -> crate::error::Result<$page> {
                    let value = self.0.accept_response(status, headers, body)?;
                    crate::wire::from_json(stringify!($name), value)
                }
            }
        )*

        #[uniffi::export]
        impl Client {
            $(
                /// A pager over this operation from `request` (its first page); `mode`
                /// (`page_index` / `item_offset`) overrides the client's and the endpoint's
                /// paging mode.
                #[uniffi::method(default(mode = None))]
                pub fn $ctor(
                    self: std::sync::Arc<Self>,
                    request: $req,
                    mode: Option<String>,
                ) -> crate::error::Result<std::sync::Arc<$pager>> {
                    let walker = crate::pager::PageWalker::new(self, stringify!($name), crate::wire::to_json(&request)?, mode)?;
                    Ok(std::sync::Arc::new($pager(walker)))
                }
            )*
        }
    };
}
pub(crate) use typed_pagers;
