//! Entry point of the Backpack desktop app; everything is in `backpack_app`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    backpack_app::run()
}
