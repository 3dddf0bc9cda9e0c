//! Runs generic code for an operation chosen by name.
//!
//! The request types are listed once here; their names, paths and every other property come
//! from each type's [`Operation::SPEC`], and a test checks that this list and
//! [`OPERATIONS`](crate::favor::ops::OPERATIONS) hold the same operations.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::favor::models::{
    CreateStockRequest, GetCallbackRequest, GetCouponRequest, GetStockRequest, ListStockItemsRequest,
    ListStockMerchantsRequest, ListStocksRequest, ListUserCouponsRequest, ModifyItemCodesRequest, PauseStockRequest,
    RefundFlowRequest, RestartStockRequest, SendCouponRequest, SetCallbackRequest, StartStockRequest, StopStockRequest,
    UseFlowRequest,
};
use crate::favor::ops::{Operation, OperationSpec, Paginated};

/// Something done with the request type of one operation built from JSON.
pub(crate) trait Visit {
    /// The result.
    type Out;
    /// Runs for request type `O`.
    fn visit<O>(self) -> Self::Out
    where
        O: Operation + DeserializeOwned,
        O::Response: Serialize;
}

/// Something done with the request type of one paged operation.
pub(crate) trait VisitPaged {
    /// The result.
    type Out;
    /// Runs for paged request type `O`.
    fn visit<O>(self) -> Self::Out
    where
        O: Paginated + DeserializeOwned + Serialize,
        O::Response: DeserializeOwned;
}

macro_rules! dispatch_table {
    (json: [$($t:ty),* $(,)?], paged: [$($p:ty),* $(,)?]) => {
        /// Runs `v` for the JSON-built operation called `name`; `None` when there is none.
        pub(crate) fn visit<V: Visit>(name: &str, v: V) -> Option<V::Out> {
            $(
                if name == <$t as Operation>::SPEC.name {
                    return Some(v.visit::<$t>());
                }
            )*
            None
        }

        /// Runs `v` for the paged operation called `name`; `None` when there is none.
        pub(crate) fn visit_paged<V: VisitPaged>(name: &str, v: V) -> Option<V::Out> {
            $(
                if name == <$p as Operation>::SPEC.name {
                    return Some(v.visit::<$p>());
                }
            )*
            None
        }

        /// Specs of the operations built from JSON.
        #[cfg(test)]
        pub(crate) const JSON_OPERATIONS: &[&OperationSpec] = &[$(<$t as Operation>::SPEC),*];
        /// Specs of the paged operations.
        pub(crate) const PAGED_OPERATIONS: &[&OperationSpec] = &[$(<$p as Operation>::SPEC),*];
    };
}

dispatch_table!(
    json: [
        CreateStockRequest, StartStockRequest, SendCouponRequest, PauseStockRequest, RestartStockRequest,
        StopStockRequest, ListStocksRequest, GetStockRequest, GetCouponRequest, ListStockMerchantsRequest,
        ListStockItemsRequest, ListUserCouponsRequest, UseFlowRequest, RefundFlowRequest, SetCallbackRequest,
        GetCallbackRequest, ModifyItemCodesRequest,
    ],
    paged: [ListStocksRequest, ListStockMerchantsRequest, ListStockItemsRequest, ListUserCouponsRequest]
);

/// Whether operation `name` is paged.
pub(crate) fn is_paged(name: &str) -> bool {
    PAGED_OPERATIONS.iter().any(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::favor::ops::{BodyKind, OPERATIONS};

    #[test]
    fn the_table_holds_every_operation_of_the_core_once() {
        for spec in OPERATIONS {
            let n = JSON_OPERATIONS.iter().filter(|s| s.name == spec.name).count();
            let expected = usize::from(spec.body != BodyKind::Multipart);
            assert_eq!(n, expected, "operation {} listed {n} times", spec.name);
        }
        assert!(JSON_OPERATIONS.iter().all(|s| OPERATIONS.contains(s)));
        assert!(PAGED_OPERATIONS.iter().all(|s| JSON_OPERATIONS.contains(s)));
    }
}
