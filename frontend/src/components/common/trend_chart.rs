//! The daily stacked bar chart above a list, drawn with plotters to SVG, with a legend whose
//! labels show or hide each series. Tickets stack by status; explanations by status or result.

use leptos::{html, prelude::*};
use plotters::{coord::ranged1d::SegmentValue, prelude::*};

/// One stacked series: its legend label and colour (`#rrggbb`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Series {
    pub label: &'static str,
    pub color: &'static str,
}

/// One bar: the day (`yyyy-MM-dd`) and a value per series, in series order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartDay {
    pub date: String,
    pub values: Vec<u64>,
}

/// Drawn at the width the page gives it (measured), this tall.
const HEIGHT: u32 = 220;
const FALLBACK_WIDTH: u32 = 1100;

fn rgb(hex: &str) -> RGBColor {
    let hex = hex.trim_start_matches('#');
    let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(128);
    RGBColor(channel(0), channel(2), channel(4))
}

/// The tallest visible stack.
fn tallest(days: &[ChartDay], shown: &[bool]) -> u64 {
    days.iter()
        .map(|d| d.values.iter().zip(shown).filter(|(_, s)| **s).map(|(v, _)| *v).sum::<u64>())
        .max()
        .unwrap_or(0)
}

/// A y-axis top that leaves head room and gives round tick labels.
fn axis_top(max: u64) -> u64 {
    match max {
        0..=4 => 5,
        _ => {
            let step = 10u64.pow((max as f64).log10().floor() as u32).max(1);
            (max / step + 1) * step
        }
    }
}

/// The label under a day: `MM-dd`.
fn day_label(date: &str) -> String {
    date.get(5..).unwrap_or(date).to_owned()
}

/// Draws the chart as an SVG document.
fn draw(days: &[ChartDay], series: &[Series], shown: &[bool], width: u32) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let n = days.len().max(1);
        let top = axis_top(tallest(days, shown));
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(24)
            .y_label_area_size(40)
            .build_cartesian_2d((0..n).into_segmented(), 0u64..top)
            .map_err(|e| e.to_string())?;
        // At most ~12 date labels whatever the period.
        let every = n.div_ceil(12).max(1);
        let label = |x: &SegmentValue<usize>| match x {
            SegmentValue::CenterOf(i) if i % every == 0 => {
                days.get(*i).map(|d| day_label(&d.date)).unwrap_or_default()
            }
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(232, 235, 240))
            .axis_style(RGBColor(200, 205, 214))
            .x_labels(n)
            .x_label_formatter(&label)
            .y_labels(5)
            .y_label_formatter(&|v| v.to_string())
            .label_style(("sans-serif", 11).into_font().color(&RGBColor(91, 101, 118)))
            .draw()
            .map_err(|e| e.to_string())?;
        let gap = if n > 90 {
            0
        } else if n > 40 {
            1
        } else {
            3
        };
        let mut bases = vec![0u64; days.len()];
        for (s, serie) in series.iter().enumerate() {
            if !shown.get(s).copied().unwrap_or(true) {
                continue;
            }
            let color = rgb(serie.color);
            let bars = days.iter().enumerate().filter_map(|(i, d)| {
                let v = d.values.get(s).copied().unwrap_or(0);
                (v > 0).then(|| {
                    let base = bases[i];
                    bases[i] += v;
                    let mut bar = Rectangle::new(
                        [(SegmentValue::Exact(i), base), (SegmentValue::Exact(i + 1), base + v)],
                        color.filled(),
                    );
                    bar.set_margin(0, 0, gap, gap);
                    bar
                })
            });
            chart.draw_series(bars).map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// The chart and its legend. `days` is `None` while loading; `shown` holds one flag per
/// series (a legend click flips it).
#[component]
pub fn TrendChart(
    series: Vec<Series>,
    #[prop(into)] days: Signal<Option<Result<Vec<ChartDay>, String>>>,
    shown: RwSignal<Vec<bool>>,
    /// What the chart counts, for screen readers (`Tickets created per day by status`).
    #[prop(into)]
    caption: String,
) -> impl IntoView {
    let series = StoredValue::new(series);
    // The SVG is drawn at the frame's width, again when the window is resized.
    let frame = NodeRef::<html::Div>::new();
    let width = RwSignal::new(0u32);
    let measure = move || {
        if let Some(f) = frame.get_untracked() {
            let w = f.client_width().max(0) as u32;
            if w > 0 && w != width.get_untracked() {
                width.set(w);
            }
        }
    };
    Effect::new(move || {
        if frame.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    let picture = move || match days.get() {
        None => view! { <div class="chart-state" aria-busy="true">"Loading the trend…"</div> }.into_any(),
        Some(Err(message)) => {
            view! { <div class="chart-state field-error" role="alert">{message}</div> }.into_any()
        }
        Some(Ok(days)) => {
            let flags = shown.get();
            let total: u64 = days.iter().flat_map(|d| d.values.iter()).sum();
            let w = match width.get() {
                0 => FALLBACK_WIDTH,
                w => w,
            };
            match series.with_value(|s| draw(&days, s, &flags, w)) {
                Ok(svg) => view! {
                    <div
                        class="chart-svg"
                        role="img"
                        aria-label=format!("{caption}: {total} over {} days", days.len())
                        inner_html=svg
                    ></div>
                }
                .into_any(),
                Err(e) => view! { <div class="chart-state field-error" role="alert">{format!("The chart could not be drawn: {e}")}</div> }.into_any(),
            }
        }
    };
    let legend = move || {
        series.with_value(|s| {
            s.iter()
                .enumerate()
                .map(|(i, serie)| {
                    let on = move || shown.with(|f| f.get(i).copied().unwrap_or(true));
                    let label = serie.label;
                    view! {
                        <button
                            type="button"
                            class="legend-item"
                            class:off=move || !on()
                            aria-pressed=move || on().to_string()
                            title=move || if on() { format!("Hide {label}") } else { format!("Show {label}") }
                            on:click=move |_| shown.update(|f| {
                                if let Some(flag) = f.get_mut(i) {
                                    *flag = !*flag;
                                }
                            })
                        >
                            <span class="legend-swatch" style=format!("background: {}", serie.color)></span>
                            {label}
                        </button>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <figure class="chart">
            <div class="chart-frame" node_ref=frame>{picture}</div>
            <figcaption class="legend" aria-label="Legend: click a label to show or hide its series">
                {legend}
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_leaves_head_room_in_round_numbers() {
        assert_eq!(axis_top(0), 5);
        assert_eq!(axis_top(4), 5);
        assert_eq!(axis_top(7), 8);
        assert_eq!(axis_top(10), 20);
        assert_eq!(axis_top(734), 800);
    }

    #[test]
    fn hidden_series_do_not_count_towards_the_tallest_bar() {
        let days = vec![
            ChartDay { date: "2026-12-01".into(), values: vec![3, 4] },
            ChartDay { date: "2026-12-02".into(), values: vec![6, 0] },
        ];
        assert_eq!(tallest(&days, &[true, true]), 7);
        assert_eq!(tallest(&days, &[false, true]), 4);
        assert_eq!(day_label("2026-12-02"), "12-02");
    }
}
