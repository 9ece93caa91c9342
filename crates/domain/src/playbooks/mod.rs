//! Playbooks: named, ordered steps run on tickets in the background. A run per ticket, a task
//! per step; each step's change to the ticket goes through the ticket services (so history and
//! audit record it), acting as the account that started the run.

pub mod runs;
pub mod service;
pub mod steps;
pub mod template;
