//! The calls, as types: each request type names its call, its response type and
//! whether email/password (Basic) authentication may sign it. The server's dispatch,
//! the console's client and the call lists are all derived from the one list below,
//! so a request can never be paired with the wrong response or the wrong name.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A request of the API: `POST /api/v1/<NAME>` with this body answers `Response`.
pub trait Call: Serialize + DeserializeOwned {
    /// The call's name, the last segment of its path (`ReadAccounts`).
    const NAME: &'static str;
    /// Whether email/password (Basic) authentication is accepted, as on OUTSCALE.
    const BASIC_AUTH: bool;
    /// What the call answers with on success.
    type Response: Serialize + DeserializeOwned;
}

/// Runs `$callback! { Name: Request => Response, basic: bool; ... }` over every call,
/// in the order of `docs/API.md`. The server builds its dispatch with it; adding a
/// call is a line here, its types in `types.rs`, and its handler on the server.
#[macro_export]
macro_rules! with_calls {
    ($callback:ident) => {
        $callback! {
            ReadAccounts: $crate::ReadAccountsRequest => $crate::ReadAccountsResponse, basic: false;
            UpdateAccount: $crate::UpdateAccountRequest => $crate::UpdateAccountResponse, basic: false;
            CheckAuthentication: $crate::CheckAuthenticationRequest => $crate::EmptyResponse, basic: false;
            CreateAccessKey: $crate::CreateAccessKeyRequest => $crate::CreateAccessKeyResponse, basic: true;
            ReadAccessKeys: $crate::ReadAccessKeysRequest => $crate::ReadAccessKeysResponse, basic: true;
            UpdateAccessKey: $crate::UpdateAccessKeyRequest => $crate::UpdateAccessKeyResponse, basic: true;
            DeleteAccessKey: $crate::DeleteAccessKeyRequest => $crate::EmptyResponse, basic: true;
            UpdatePassword: $crate::UpdatePasswordRequest => $crate::UpdatePasswordResponse, basic: false;
            CreateUser: $crate::CreateUserRequest => $crate::UserResponse, basic: false;
            ReadUsers: $crate::ReadUsersRequest => $crate::ReadUsersResponse, basic: false;
            UpdateUser: $crate::UpdateUserRequest => $crate::UserResponse, basic: false;
            DeleteUser: $crate::DeleteUserRequest => $crate::EmptyResponse, basic: false;
            ReadIdentity: $crate::ReadIdentityRequest => $crate::ReadIdentityResponse, basic: false;
            ReadMfaDevices: $crate::ReadMfaDevicesRequest => $crate::ReadMfaDevicesResponse, basic: false;
            CreateMfaDevice: $crate::CreateMfaDeviceRequest => $crate::CreateMfaDeviceResponse, basic: false;
            ActivateMfaDevice: $crate::ActivateMfaDeviceRequest => $crate::ActivateMfaDeviceResponse, basic: false;
            DeleteMfaDevice: $crate::DeleteMfaDeviceRequest => $crate::DeleteMfaDeviceResponse, basic: false;
            CreateRecoveryCodes: $crate::CreateRecoveryCodesRequest => $crate::CreateRecoveryCodesResponse, basic: false;
            CreateMfaChallenge: $crate::CreateMfaChallengeRequest => $crate::CreateMfaChallengeResponse, basic: true;
            ReadSessions: $crate::ReadSessionsRequest => $crate::ReadSessionsResponse, basic: false;
            DeleteSession: $crate::DeleteSessionRequest => $crate::DeleteSessionResponse, basic: false;
            DeleteOtherSessions: $crate::DeleteOtherSessionsRequest => $crate::DeleteOtherSessionsResponse, basic: false;
            CreateReauthentication: $crate::CreateReauthenticationRequest => $crate::CreateReauthenticationResponse, basic: false;
        }
    };
}

/// What is known of a call by its name alone (before its body is read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallInfo {
    /// The call's name.
    pub name: &'static str,
    /// Whether email/password (Basic) authentication is accepted.
    pub basic_auth: bool,
}

macro_rules! implement_calls {
    ($($name:ident: $request:ty => $response:ty, basic: $basic:literal;)*) => {
        $(
            impl Call for $request {
                const NAME: &'static str = stringify!($name);
                const BASIC_AUTH: bool = $basic;
                type Response = $response;
            }
        )*

        /// Every call this API serves, in the order of `docs/API.md`.
        pub const CALLS: &[CallInfo] = &[
            $(CallInfo { name: <$request as Call>::NAME, basic_auth: <$request as Call>::BASIC_AUTH },)*
        ];
    };
}

with_calls!(implement_calls);

/// A call of OUTSCALE's API that this API does not serve (not in `CALLS`): the console
/// makes it where it is served and does without it elsewhere.
impl Call for crate::types::ReadApiAccessPolicyRequest {
    const NAME: &'static str = "ReadApiAccessPolicy";
    const BASIC_AUTH: bool = false;
    type Response = crate::types::ReadApiAccessPolicyResponse;
}

/// The call of that name, if the API serves it.
pub fn call_named(name: &str) -> Option<CallInfo> {
    CALLS.iter().copied().find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_basic_is_for_signing_in_only() {
        let mut names: Vec<_> = CALLS.iter().map(|c| c.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), CALLS.len());
        let basic: Vec<_> = CALLS.iter().filter(|c| c.basic_auth).map(|c| c.name).collect();
        assert_eq!(
            basic,
            [
                "CreateAccessKey",
                "ReadAccessKeys",
                "UpdateAccessKey",
                "DeleteAccessKey",
                "CreateMfaChallenge"
            ]
        );
        assert_eq!(call_named("ReadAccounts").map(|c| c.basic_auth), Some(false));
        assert_eq!(call_named("ReadAccount"), None);
        assert_eq!(<crate::DeleteAccessKeyRequest as Call>::NAME, "DeleteAccessKey");
    }
}
