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
use crate::text::number;

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

/// One row of the chart: a member (or the rest of the team, summed) and their recipients
/// sent to, opened, clicked and replied, drawn as nested bars on one line.
struct ChartRow {
    y: i64,
    label: String,
    bars: Vec<ChartBar>,
    /// "120 sent · 60 opened · 10 clicked · 5 replied", at the end of the row.
    figures: String,
    /// Where the figures start: after the longest bar.
    figures_x: i64,
}

struct ChartBar {
    /// From the row's top; nested bars are thinner and centred on the sent bar.
    y: i64,
    height: i64,
    width: i64,
    class: &'static str,
}

/// Members shown one per row: the busiest, the rest summed in one last row, so that a team
/// of 1,000 fits one screen.
const CHART_ROWS: usize = 25;
const CHART_WIDTH: i64 = 420;
const LABEL_WIDTH: i64 = 190;
/// Pixels per member (issue 13: at most 40).
const ROW_HEIGHT: i64 = 26;

fn chart(members: &[MemberStats]) -> (Vec<ChartRow>, i64) {
    let mut rows: Vec<MemberStats> = members
        .iter()
        .filter(|r| r.recipients > 0)
        .cloned()
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.recipients));
    if rows.len() > CHART_ROWS {
        let rest = rows.split_off(CHART_ROWS - 1);
        let mut summed = MemberStats {
            name: format!("{} other members", number(rest.len())),
            ..MemberStats::default()
        };
        for row in &rest {
            summed.recipients += row.recipients;
            summed.opened += row.opened;
            summed.clicked += row.clicked;
            summed.replied += row.replied;
        }
        rows.push(summed);
    }
    let max = rows.iter().map(|r| r.recipients).max().unwrap_or(1).max(1);
    let chart_rows = rows
        .iter()
        .enumerate()
        .map(|(i, row)| chart_row(i as i64 * ROW_HEIGHT, row, max))
        .collect::<Vec<_>>();
    let height = chart_rows.len() as i64 * ROW_HEIGHT + 4;
    (chart_rows, height)
}

fn chart_row(y: i64, row: &MemberStats, max: i64) -> ChartRow {
    let layers = [
        (row.recipients, "sent", 18),
        (row.opened, "opened", 12),
        (row.clicked, "clicked", 7),
        (row.replied, "replied", 3),
    ];
    let bars = layers
        .iter()
        .filter(|(value, _, _)| *value > 0)
        .map(|&(value, class, height)| ChartBar {
            y: y + 4 + (18 - height) / 2,
            height,
            width: (value * CHART_WIDTH / max).max(2),
            class,
        })
        .collect::<Vec<_>>();
    let figures = layers
        .iter()
        .map(|(value, class, _)| format!("{} {class}", number(*value)))
        .collect::<Vec<_>>()
        .join(" · ");
    ChartRow {
        y,
        label: row.name.chars().take(26).collect(),
        figures_x: LABEL_WIDTH + bars.first().map_or(0, |b| b.width) + 6,
        bars,
        figures,
    }
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
    /// The date inputs are shown and sent only with "Date range".
    is_range: bool,
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
    let (chart_rows, chart_height) = chart(&stats.rows);
    render(&StatisticsPage {
        ctx: PageContext::new(&session, &state, Some(&user)),
        range_from: stats.from.date().to_string(),
        range_to: stats.last_day().to_string(),
        is_range: matches!(stats.choice, PeriodChoice::Range(..)),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn member(i: i64) -> MemberStats {
        MemberStats {
            name: format!("Member {i}"),
            recipients: 100 + i,
            opened: 10,
            clicked: 2,
            replied: 1,
            ..MemberStats::default()
        }
    }

    #[test]
    fn the_chart_shows_the_25_busiest_in_one_row_each_and_sums_the_rest() {
        let members: Vec<MemberStats> = (0..40).map(member).collect();
        let (rows, height) = chart(&members);
        assert_eq!(rows.len(), 25);
        assert_eq!(rows[0].label, "Member 39", "the busiest first");
        assert_eq!(rows[24].label, "16 other members");
        let rest: i64 = (0..16).map(|i| 100 + i).sum();
        assert!(
            rows[24]
                .figures
                .starts_with(&format!("{} sent", number(rest))),
            "{}",
            rows[24].figures
        );
        assert_eq!(height, 25 * ROW_HEIGHT + 4);
        assert!(height <= 25 * 40 + 4, "at most 40 px per member");
    }

    #[test]
    fn members_with_no_recipients_are_left_out_and_a_small_team_is_not_summed() {
        let mut members: Vec<MemberStats> = (0..3).map(member).collect();
        members.push(MemberStats::default());
        let (rows, _) = chart(&members);
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| !r.label.contains("other")));
        assert_eq!(
            rows[0].figures,
            "102 sent · 10 opened · 2 clicked · 1 replied"
        );
    }
}
