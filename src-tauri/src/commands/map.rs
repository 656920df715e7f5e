//! The territory on a map (issue 27): its frame, its communes' shapes in pages, a measure's
//! values, a commune's card, the communes in figures; and the contours imported from a file
//! the user picks in the native dialog (previewed, then written all or nothing).

use super::{with_reader, with_store};
use crate::dialogs::{ask_open_path, ask_save_path, file_name, FileDone};
use crate::jobs::JobMessage;
use crate::state::{AppState, PreparedContoursFor};
use catalyse_core::map::card::CommuneCard;
use catalyse_core::map::contours::ContoursPreview;
use catalyse_core::map::figures::{FiguresPage, FiguresSort};
use catalyse_core::map::values::{MapFrame, MapQuery, MapValues};
use catalyse_core::ErrorPayload;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

/// Where the territory lies (its communes, those with a contour, their bounds).
#[tauri::command]
pub async fn map_frame(state: State<'_, AppState>) -> Result<MapFrame, ErrorPayload> {
    with_reader(&state, |s| s.map_frame()).await
}

/// A page of the territory's communes' shapes, by INSEE code, as bytes
/// (`Store::map_shapes_bytes`: the window reads them into typed arrays).
#[tauri::command]
pub async fn map_shapes(
    state: State<'_, AppState>,
    offset: u32,
    limit: u32,
) -> Result<tauri::ipc::Response, ErrorPayload> {
    let bytes = with_reader(&state, move |s| s.map_shapes_bytes(offset, limit)).await?;
    Ok(tauri::ipc::Response::new(bytes))
}

/// A measure's value for each of the territory's communes, with the legend's classes.
#[tauri::command]
pub async fn map_values(
    state: State<'_, AppState>,
    query: MapQuery,
) -> Result<MapValues, ErrorPayload> {
    with_reader(&state, move |s| s.map_values(&query)).await
}

/// A commune's card (« fiche repères »).
#[tauri::command]
pub async fn commune_card(
    state: State<'_, AppState>,
    insee: String,
) -> Result<CommuneCard, ErrorPayload> {
    with_reader(&state, move |s| s.commune_card(&insee)).await
}

/// A page of the territory's communes in figures, sorted, optionally only those never met.
#[tauri::command]
pub async fn commune_figures_page(
    state: State<'_, AppState>,
    query: MapQuery,
    sort: FiguresSort,
    descending: bool,
    never_met_only: bool,
    offset: u32,
    limit: u32,
) -> Result<FiguresPage, ErrorPayload> {
    with_reader(&state, move |s| {
        s.commune_figures_page(&query, sort, descending, never_met_only, offset, limit)
    })
    .await
}

/// Asks for a contours file (GeoJSON or GeoPackage); remembers it and returns its name
/// (`None` if the user cancelled).
#[tauri::command]
pub async fn pick_contours_file(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    filter_name: String,
) -> Result<Option<String>, ErrorPayload> {
    let extensions = ["geojson", "json", "gpkg"];
    let Some(path) = ask_open_path(&app, title, filter_name, &extensions)? else {
        return Ok(None);
    };
    let name = file_name(&path);
    state.set_prepared_contours(None)?;
    state.set_import_file(Some(path))?;
    Ok(Some(name))
}

/// What importing the picked contours would do (with `code_property` when the user chose
/// it); writes nothing. Read on a reader; the result is kept for [`contours_commit`].
#[tauri::command]
pub async fn contours_preview(
    state: State<'_, AppState>,
    code_property: Option<String>,
    on_progress: Channel<JobMessage>,
) -> Result<ContoursPreview, ErrorPayload> {
    let path = state.import_file()?;
    state.set_prepared_contours(None)?;
    let (file, asked) = (path.clone(), code_property.clone());
    let job = state.jobs.start(on_progress);
    let progress = job.progress.clone();
    let prepared = with_reader(&state, move |s| {
        s.prepare_contours_with(&file, asked.as_deref(), &progress)
    })
    .await?;
    drop(job);
    let preview = prepared.preview.clone();
    state.set_prepared_contours(Some(PreparedContoursFor {
        path,
        property: code_property,
        prepared,
    }))?;
    Ok(preview)
}

/// Writes the contours the preview checked (read again if the file or property differ), all
/// or nothing; returns how many communes got a contour.
#[tauri::command]
pub async fn contours_commit(
    state: State<'_, AppState>,
    code_property: Option<String>,
    on_progress: Channel<JobMessage>,
) -> Result<usize, ErrorPayload> {
    let path = state.import_file()?;
    let kept = state
        .take_prepared_contours()?
        .filter(|p| p.path == path && p.property == code_property)
        .map(|p| p.prepared);
    let job = state.jobs.start(on_progress);
    let progress = job.progress.clone();
    let written = with_store(&state, move |s| {
        let prepared = match kept {
            Some(p) => p,
            None => s.prepare_contours_with(&path, code_property.as_deref(), &progress)?,
        };
        s.write_contours_with(&prepared, &progress)
    })
    .await?;
    drop(job);
    state.set_import_file(None)?;
    Ok(written)
}

/// Forgets the contours file and its preview (the user closed the dialog).
#[tauri::command]
pub async fn discard_contours(state: State<'_, AppState>) -> Result<(), ErrorPayload> {
    state.set_prepared_contours(None)?;
    state.set_import_file(None)
}

/// Saves the territory's communes in figures (only those never met when asked) as CSV or
/// XLSX where the user says; `None` if they cancelled.
#[tauri::command]
pub async fn export_communes(
    app: AppHandle,
    state: State<'_, AppState>,
    query: MapQuery,
    never_met_only: bool,
    title: String,
) -> Result<Option<FileDone>, ErrorPayload> {
    let hint = if never_met_only {
        "communes-jamais-rencontrees.csv"
    } else {
        "communes.csv"
    };
    let filters = super::exchange::TABLE_FILTERS;
    let Some(path) = ask_save_path(&app, title, hint.into(), filters)? else {
        return Ok(None);
    };
    let name = file_name(&path);
    let rows = with_reader(&state, move |s| {
        s.export_communes(&query, never_met_only, &path)
    })
    .await?;
    Ok(Some(FileDone { name, rows }))
}

/// Saves the map of a measure as SVG or PNG where the user says; `None` if they cancelled.
#[tauri::command]
pub async fn export_map(
    app: AppHandle,
    state: State<'_, AppState>,
    query: MapQuery,
    png: bool,
    title: String,
) -> Result<Option<FileDone>, ErrorPayload> {
    let (hint, filters): (&str, &[(&str, &str)]) = if png {
        ("carte.png", &[("Image PNG", "png")])
    } else {
        ("carte.svg", &[("Image SVG", "svg")])
    };
    let Some(path) = ask_save_path(&app, title, hint.into(), filters)? else {
        return Ok(None);
    };
    let name = file_name(&path);
    let rows = with_reader(&state, move |s| {
        let options = catalyse_core::map::render::RenderOptions {
            width: 900.0,
            ..Default::default()
        };
        s.write_map(&query, &options, &path, png)
    })
    .await?;
    Ok(Some(FileDone { name, rows }))
}
