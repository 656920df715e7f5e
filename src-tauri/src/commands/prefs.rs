use crate::prefs::{validate_display_name, validate_language, write_pref};
use catalyse_core::ErrorPayload;
use tauri::AppHandle;

fn invalid(field: &str, (code, message): (&'static str, String)) -> ErrorPayload {
    ErrorPayload {
        field: Some(field.into()),
        ..ErrorPayload::new("validation", code, message)
    }
}

#[tauri::command]
pub fn set_language(app: AppHandle, language: String) -> Result<String, ErrorPayload> {
    let language = validate_language(&language).map_err(|m| invalid("language", m))?;
    write_pref(&app, "language", language.clone().into())?;
    Ok(language)
}

#[tauri::command]
pub fn set_display_name(app: AppHandle, name: String) -> Result<String, ErrorPayload> {
    let name = validate_display_name(&name).map_err(|m| invalid("display_name", m))?;
    write_pref(&app, "display_name", name.clone().into())?;
    use tauri::Manager;
    app.state::<crate::state::AppState>()
        .set_display_name(&name);
    Ok(name)
}
