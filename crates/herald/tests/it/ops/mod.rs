//! Running Herald as an operator does: `backup` and `restore` of a SQLite database
//! ([`backup`]), upgrades in place from every earlier schema version on both backends
//! ([`upgrade`]), the `deploy/` nginx site in front of two instances ([`nginx`]), and
//! `serve --demo` across restarts ([`demo`]).

mod backup;
mod backup_bench;
mod demo;
mod nginx;
mod upgrade;
