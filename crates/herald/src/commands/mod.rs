//! Commands and settings: the command line and environment, the commands beside `serve`
//! (backup, restore, `herald user …`), and the people use cases, which read their
//! settings from the command line's types. Names only the layers below it: services,
//! gate, coherence, storage, foundation.

pub mod config;
pub mod ops;
pub mod people;
