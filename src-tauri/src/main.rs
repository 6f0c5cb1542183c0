#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() { backpack_app::run() }
