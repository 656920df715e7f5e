// Hides the console window on Windows release builds; the command line still works.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    std::process::exit(catalyse_app::main_entry());
}
