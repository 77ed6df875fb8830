//! Team statistics: the table, an SVG chart drawn on the server, and the CSV download.

use actix_session::Session;
use actix_web::{HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use super::csv_download;
use super::errors::AppError;
use super::extract::{AppState, CurrentUser};
use super::page::PageContext;
use super::respond::render;
use crate::domain::campaigns::statistics::{
    self, CSV_HEADER, MemberStats, PeriodChoice, TeamStatistics,
};

#[derive(Deserialize)]
struct PeriodQuery {
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl PeriodQuery {
    fn choice(&self) -> Result<PeriodChoice, AppError> {
        Ok(PeriodChoice::parse(
            self.period.as_deref(),
            self.from.as_deref(),
            self.to.as_deref(),
        )?)
    }
}

/// One member's group of bars in the chart.
struct ChartRow {
    y: i64,
    label: String,
    bars: Vec<ChartBar>,
}

struct ChartBar {
    y: i64,
    width: i64,
    value: i64,
    class: &'static str,
}

/// Members shown in the chart: the busiest, so that a team of 1,000 stays readable.
const CHART_ROWS: usize = 25;
const CHART_WIDTH: i64 = 560;
const ROW_HEIGHT: i64 = 64;

fn chart(stats: &TeamStatistics) -> (Vec<ChartRow>, i64) {
    let mut rows: Vec<&MemberStats> = stats.rows.iter().filter(|r| r.recipients > 0).collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.recipients));
    rows.truncate(CHART_ROWS);
    let max = rows.iter().map(|r| r.recipients).max().unwrap_or(1).max(1);
    let chart_rows = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let y = i as i64 * ROW_HEIGHT;
            let bars = [
                (row.recipients, "sent"),
                (row.opened, "opened"),
                (row.clicked, "clicked"),
                (row.replied, "replied"),
            ]
            .into_iter()
            .enumerate()
            .map(|(j, (value, class))| ChartBar {
                y: y + 16 + j as i64 * 11,
                width: (value * CHART_WIDTH / max).max(1),
                value,
                class,
            })
            .collect();
            ChartRow {
                y,
                label: row.name.clone(),
                bars,
            }
        })
        .collect::<Vec<_>>();
    let height = chart_rows.len() as i64 * ROW_HEIGHT + 10;
    (chart_rows, height)
}

#[derive(Template)]
#[template(path = "team/statistics.html")]
struct StatisticsPage {
    ctx: PageContext,
    stats: TeamStatistics,
    chart_rows: Vec<ChartRow>,
    chart_height: i64,
    range_from: String,
    range_to: String,
}

#[get("/account/team/statistics")]
async fn page(
    state: web::Data<AppState>,
    session: Session,
    user: CurrentUser,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let (choice, leader, now) = (query.choice()?, user.user.clone(), state.clock.now());
    let stats = state
        .db(move |conn| statistics::team_statistics(conn, &leader, choice, now))
        .await?;
    let (chart_rows, chart_height) = chart(&stats);
    render(&StatisticsPage {
        ctx: PageContext::new(&session, &state, Some(&user)),
        range_from: stats.from.date().to_string(),
        range_to: stats.last_day().to_string(),
        chart_rows,
        chart_height,
        stats,
    })
}

#[get("/account/team/statistics.csv")]
async fn download_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let (choice, leader, now) = (query.choice()?, user.user, state.clock.now());
    let stats = state
        .db(move |conn| statistics::team_statistics(conn, &leader, choice, now))
        .await?;
    let rows: Vec<Vec<String>> = stats
        .rows
        .iter()
        .chain(std::iter::once(&stats.totals))
        .map(|row| row.csv_fields())
        .collect();
    let stem = format!(
        "team-statistics-{}-to-{}",
        stats.from.date(),
        stats.last_day()
    );
    Ok(csv_download::table(&stem, &CSV_HEADER, &rows))
}
