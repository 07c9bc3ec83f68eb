//! The Analysis views' commands: the network and the timeline of the statements in view. The
//! numbers come from `claimdesk_core::analysis`; blind mode narrows the statements as it does
//! the Statements view.

use tauri::State;

use crate::args::{Arg, Object};
use crate::dto::{NetworkDto, NetworkRequestDto, TimelineDto, TimelineRequestDto};
use crate::error::ErrorDto;
use crate::state::AppState;

type Answer<T> = Result<T, ErrorDto>;

/// The network of the statements the request's filter keeps.
#[tauri::command]
pub async fn analysis_network(
    state: State<'_, AppState>,
    request: Arg<Object<NetworkRequestDto>>,
) -> Answer<NetworkDto> {
    let Object(request) = request.get("request")?;
    let (mut scope, request) = request.checked()?;
    let project = state.project()?;
    crate::coders::seen_in_blind_mode(&project, &state, &mut scope)?;
    let statements = project.statements(&scope)?;
    Ok(claimdesk_core::analysis::network(&statements, &request).into())
}

/// Statements over time, of one actor or concept or of all.
#[tauri::command]
pub async fn analysis_timeline(
    state: State<'_, AppState>,
    request: Arg<Object<TimelineRequestDto>>,
) -> Answer<TimelineDto> {
    let Object(request) = request.get("request")?;
    let (period, node) = (request.period, request.node);
    let (mut scope, filter) = request.filter.unwrap_or_default().checked()?;
    if node
        .as_ref()
        .is_some_and(|n| n.len() > crate::args::MAX_NAME_BYTES * 4)
    {
        return Err(ErrorDto::too_large(
            "the node id",
            crate::args::MAX_NAME_BYTES * 4,
            "bytes",
        ));
    }
    let project = state.project()?;
    crate::coders::seen_in_blind_mode(&project, &state, &mut scope)?;
    let statements = project.statements(&scope)?;
    Ok(claimdesk_core::analysis::timeline(&statements, period, &filter, node.as_deref()).into())
}
