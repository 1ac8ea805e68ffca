#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod account;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod control;
pub mod crypto;
pub mod identifier;
pub mod password;
