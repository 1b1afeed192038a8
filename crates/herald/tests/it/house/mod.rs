//! The house rules that keep Herald readable, checked on the repository itself: the
//! module graph of `herald` is one-way and layered ([`cycles`]), access writes invalidate through
//! their write paths only ([`access_writes`]), actors are spelled in one module only
//! ([`actors`]), the commands the documents give exist
//! ([`doc_commands`], [`cli_doc`]), and the configuration document names exactly the
//! settings the binary accepts ([`settings_doc`]).

mod access_writes;
mod actors;
mod cli_doc;
mod cycles;
mod doc_commands;
mod documents;
mod rust_text;
mod settings_doc;
