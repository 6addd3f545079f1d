//! The revocation watch on PostgreSQL: a connection of its own that LISTENs on the
//! channel the triggers of migration 9 notify, so that a key revoked by any instance
//! (or by hand) voids this instance's caches within milliseconds.
//!
//! Hearing nothing is not proof that nothing happened: a link that died quietly hears
//! nothing either. So every `CONFIRM_EVERY` the watch notifies a channel of its own
//! and waits for the echo. PostgreSQL delivers notifications in commit order, so once
//! the echo of a beat sent at moment M is back, every revocation committed before M
//! has been heard (`Changes::confirm`). A beat that does not come back within
//! `TRUST`, or any error, drops the link: caches stop trusting what they hold
//! (`Changes::still_holds`) until a new link listens again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use postgres::fallible_iterator::FallibleIterator;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::store::changes::{Changes, Watched, CONFIRM_EVERY, TRUST};

/// The channel the triggers notify (migration 9).
pub const CHANNEL: &str = "account_api_revocations";
/// The watch's connections are named so, for `pg_stat_activity` (and the tests that
/// cut them).
pub const APPLICATION_NAME: &str = "account-api revocation watch";

pub fn start(
    mut config: postgres::Config,
    tls: MakeRustlsConnect,
    changes: Arc<Changes>,
    closing: Arc<AtomicBool>,
) {
    config.application_name(APPLICATION_NAME);
    let spawned = std::thread::Builder::new()
        .name("pg-revocations".into())
        .spawn(move || watch(&config, tls, &changes, &closing));
    if let Err(e) = spawned {
        // Without its watch, nothing is ever confirmed: caches always read the database.
        tracing::error!(error = %e, "cannot start the revocation watch");
    }
}

fn watch(
    config: &postgres::Config,
    tls: MakeRustlsConnect,
    changes: &Changes,
    closing: &AtomicBool,
) {
    // This instance's own beat channel, so that it waits for its own echo only.
    let beats = format!("account_api_beat_{:016x}", rand::random::<u64>());
    let mut lost = false;
    while !closing.load(Ordering::Acquire) {
        let link = config.connect(tls.clone()).map_err(|e| e.to_string()).and_then(|mut c| {
            c.batch_execute(&format!("LISTEN {CHANNEL}; LISTEN {beats}"))
                .map_err(|e| e.to_string())
                .map(|()| c)
        });
        let why = match link {
            Ok(mut client) => {
                // What was revoked while nobody listened is unknown: void it all.
                changes.all_changed();
                if lost {
                    tracing::info!("revocation watch: listening again");
                }
                let why = follow(&mut client, &beats, changes, closing);
                changes.all_changed();
                why
            }
            Err(e) => Err(e),
        };
        if let Err(e) = why {
            if !lost {
                tracing::warn!(error = %e, "revocation watch: the link to PostgreSQL is lost; cached credentials are not served until it is back");
            }
            lost = true;
            std::thread::sleep(CONFIRM_EVERY);
        }
    }
}

/// Beats and listens until the link fails (`Err`) or the store closes (`Ok`).
fn follow(
    client: &mut postgres::Client,
    beats: &str,
    changes: &Changes,
    closing: &AtomicBool,
) -> Result<(), String> {
    let mut beat: u64 = 0;
    while !closing.load(Ordering::Acquire) {
        beat += 1;
        let mark = changes.mark();
        let sent = Instant::now();
        client.batch_execute(&format!("NOTIFY {beats}, '{beat}'")).map_err(|e| e.to_string())?;
        let mut echoed = false;
        loop {
            let wait = if echoed {
                (sent + CONFIRM_EVERY).saturating_duration_since(Instant::now())
            } else {
                (sent + TRUST).saturating_duration_since(Instant::now())
            };
            if wait.is_zero() {
                if echoed {
                    break;
                }
                return Err(format!("no echo of a beat within {TRUST:?}"));
            }
            match client.notifications().timeout_iter(wait).next() {
                Ok(Some(n)) if n.channel() == CHANNEL => changes.changed(Watched::Keys),
                Ok(Some(n)) if n.payload() == beat.to_string() => {
                    changes.confirm(mark);
                    echoed = true;
                }
                // The echo of an older beat.
                Ok(Some(_)) => {}
                Ok(None) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
    }
    Ok(())
}
