//! A minimal Tauri 2 window, built with the same Tauri and the same release profile as
//! Catalyse: the reference of the start-up and memory benchmark (`scripts/bench.sh`).
fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!("benches/hello/tauri.conf.json"))
        .expect("the window could not open");
}
