//! Running Herald as an operator does: `backup` and `restore` of a SQLite database
//! ([`backup`]), upgrades in place from every earlier schema version on both backends
//! ([`upgrade`]), the `deploy/` nginx site in front of two instances ([`nginx`], and sign-in
//! throttling through it: [`nginx_lockout`]), and
//! `serve --demo` across restarts ([`demo`]).

mod backup;
mod backup_bench;
mod demo;
mod deployment;
mod nginx;
mod nginx_lockout;
mod upgrade;
