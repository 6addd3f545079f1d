//! What the PostgreSQL clients share (the pool of `pg.rs` and `pg_write.rs`, the reads
//! of `pg_reads.rs`): the shared SQL's placeholders, values and rows in this storage's
//! own types (`sql.rs`), and how a failed connection is told.

use postgres::types::{FromSql, IsNull, ToSql, Type};

use crate::store::sql::{DbError, Row, Value};

/// A statement's parameters, as the client takes them.
pub fn params(args: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|a| a as _).collect()
}

/// "error connecting to server", and why (its source) when it says.
pub fn connect_failure(e: &postgres::Error) -> String {
    let why = std::error::Error::source(e).map(|s| format!(": {s}")).unwrap_or_default();
    format!("{e}{why}")
}

/// A row as the storage functions read it.
pub fn row_of(row: &postgres::Row) -> Result<Row, DbError> {
    (0..row.len())
        .map(|i| row.try_get::<_, Value>(i))
        .collect::<Result<Vec<_>, _>>()
        .map(Row)
        .map_err(DbError::Postgres)
}

/// SQLite's numbered placeholders (`?1`) as PostgreSQL's (`$1`).
pub fn placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

/// A parameter takes the type PostgreSQL inferred for its placeholder: the integers
/// of the shared SQL may be BIGINT, INTEGER or BOOLEAN there.
impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                _ => Err(format!("an integer for a {ty} parameter").into()),
            },
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

impl<'a> FromSql<'a> for Value {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(match *ty {
            Type::INT8 => Value::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => Value::Int(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Value::Int(i16::from_sql(ty, raw)?.into()),
            Type::BOOL => Value::Int(bool::from_sql(ty, raw)?.into()),
            Type::BYTEA => Value::Blob(Vec::<u8>::from_sql(ty, raw)?),
            _ => Value::Text(String::from_sql(ty, raw)?),
        })
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Value::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_the_postgresql_way() {
        assert_eq!(
            placeholders("a = ?1 AND b IS NOT DISTINCT FROM ?12"),
            "a = $1 AND b IS NOT DISTINCT FROM $12"
        );
        assert_eq!(placeholders("SELECT '?' "), "SELECT '?' ");
    }
}
