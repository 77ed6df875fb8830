//! The ids that are easy to confuse — a user's, a team's, a membership's — as types of
//! their own, so that a membership id cannot be passed where a user id is meant. They are
//! read from and written to their `BIGINT` columns as they are (diesel's `FromSql` /
//! `ToSql` here), parsed from a URL or form as plain numbers, and shown as numbers.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::BigInt;

/// Declares an id type over `i64` (see the module comment).
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            diesel::AsExpression,
            diesel::FromSqlRow,
            serde::Deserialize,
        )]
        #[diesel(sql_type = BigInt)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// The number as stored.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        /// An id from a number read elsewhere (a URL, a form, a test).
        impl From<i64> for $name {
            fn from(raw: i64) -> Self {
                $name(raw)
            }
        }

        /// Parses a number, as in a URL or a form.
        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.parse().map($name)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl<DB: Backend> ToSql<BigInt, DB> for $name
        where
            i64: ToSql<BigInt, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.0.to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<BigInt, DB> for $name
        where
            i64: FromSql<BigInt, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                i64::from_sql(bytes).map($name)
            }
        }
    };
}

id_type! {
    /// A user account (`users.id`), and every column that names one: a team's leader, a
    /// member, a record's owner, a session's or a link's user, an activity's actor.
    UserId
}

id_type! {
    /// A team (`teams.id`).
    TeamId
}

id_type! {
    /// One membership of a user in a team (`memberships.id`); a user who leaves and comes
    /// back has two.
    MembershipId
}
