//! `cargo xtask bench --curves`: how a handshake's cost grows with the request's size, its
//! header count and the size of the pieces it arrives in (instructions per handshake under
//! callgrind, `scale-*` scenarios of `benches/examples/instructions.rs`), and how
//! `wshake serve`'s CPU per handshake and latency move with the number of concurrent
//! connections (8 to 4,096 loops of `e2e_load`). Each curve is printed and drawn as SVG
//! into `benches/curve-*.svg`.

// Counts and sizes far below 2^52, where f64 is exact.
#![allow(clippy::cast_precision_loss)]

use std::path::Path;

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use crate::instructions::per_round;
use crate::run::root;
use crate::{e2e_peers, peers};

/// One curve: its file, title, axis labels, whether x is logarithmic, and its points.
struct Curve {
    file: &'static str,
    title: &'static str,
    x_label: &'static str,
    y_label: &'static str,
    log_x: bool,
    points: Vec<(f64, f64)>,
}

pub(crate) fn run() -> Result<(), String> {
    peers::ensure_apt(&[("valgrind", "valgrind")])?;
    crate::run::build_bench_examples(&["instructions", "e2e_load"])?;
    crate::run::build_release_cli()?;
    let instructions = |scenario: &str, xs: &[usize]| -> Result<Vec<(f64, f64)>, String> {
        xs.iter()
            .map(|&x| {
                let count = per_round(&format!("scale-{scenario}-{x}"), 20)?;
                println!("{scenario} {x}: {count} instructions per handshake");
                Ok((x as f64, count as f64))
            })
            .collect()
    };
    let curves = [
        Curve {
            file: "curve-size.svg",
            title: "Request size",
            x_label: "request head, bytes",
            y_label: "instructions per handshake",
            log_x: false,
            points: instructions("size", &[200, 1024, 2048, 4096, 8192, 12_288, 16_384])?,
        },
        Curve {
            file: "curve-headers.svg",
            title: "Header count",
            x_label: "header lines",
            y_label: "instructions per handshake",
            log_x: false,
            points: instructions("headers", &[5, 10, 20, 40, 60, 80, 100])?,
        },
        Curve {
            file: "curve-chunk.svg",
            title: "Feed size (a 2 KiB request)",
            x_label: "bytes per feed (log)",
            y_label: "instructions per handshake",
            log_x: true,
            points: instructions("chunk", &[1, 4, 16, 64, 256, 1024, 2048])?,
        },
    ];
    let (cpu, latency) = concurrency(&[8, 32, 128, 512, 1024, 2048, 4096])?;
    let curves = curves.into_iter().chain([
        Curve {
            file: "curve-connections-cpu.svg",
            title: "wshake serve: concurrent connections",
            x_label: "connection loops (log)",
            y_label: "server CPU per handshake, µs",
            log_x: true,
            points: cpu,
        },
        Curve {
            file: "curve-connections-latency.svg",
            title: "wshake serve: concurrent connections",
            x_label: "connection loops (log)",
            y_label: "p50 latency, µs",
            log_x: true,
            points: latency,
        },
    ]);
    for curve in curves {
        draw(&curve, &root().join("benches").join(curve.file))?;
    }
    Ok(())
}

/// `wshake serve`, fresh for each point, under `loops` concurrent connection loops for
/// 3 s: CPU per handshake (user + system) and p50 latency.
#[allow(clippy::type_complexity)]
fn concurrency(loops: &[usize]) -> Result<(Vec<(f64, f64)>, Vec<(f64, f64)>), String> {
    let server = e2e_peers::Server {
        name: "curves wshake serve".into(),
        command: [
            &root().join("target/release/wshake").to_string_lossy(),
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--max-pending",
            "16384",
        ]
        .map(String::from)
        .to_vec(),
    };
    let load = root().join("target/release/examples/e2e_load");
    let mut cpu = Vec::new();
    let mut latency = Vec::new();
    for &n in loops {
        let loops = n.to_string();
        let field = e2e_peers::drive(
            &server,
            &load.to_string_lossy(),
            &["--connections", &loops, "--seconds", "3"],
            &root().join("target"),
        )?;
        let per = field("user_us") + field("system_us");
        println!(
            "connections {n}: {:.0}/s, CPU {per:.1} µs per handshake, p50 {:.0} µs, p99 {:.0} µs, {} failed",
            field("per_second"),
            field("p50_us"),
            field("p99_us"),
            field("failures"),
        );
        cpu.push((n as f64, per));
        latency.push((n as f64, field("p50_us")));
    }
    Ok((cpu, latency))
}

/// The curve as an SVG line chart with its points marked, y from 0.
fn draw(curve: &Curve, path: &Path) -> Result<(), String> {
    let error = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let root_area = SVGBackend::new(path, (640, 400)).into_drawing_area();
    root_area.fill(&WHITE).map_err(|e| error(&e))?;
    let x_max = curve.points.iter().map(|p| p.0).fold(1.0, f64::max);
    let x_min = curve.points.iter().map(|p| p.0).fold(f64::MAX, f64::min);
    let y_max = curve.points.iter().map(|p| p.1).fold(1.0, f64::max) * 1.15;
    let mut builder = ChartBuilder::on(&root_area);
    builder
        .caption(curve.title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70);
    if curve.log_x {
        plot(&mut builder, (x_min..x_max).log_scale(), y_max, curve).map_err(|e| error(&e))?;
    } else {
        plot(&mut builder, 0.0..x_max * 1.05, y_max, curve).map_err(|e| error(&e))?;
    }
    root_area.present().map_err(|e| error(&e))?;
    println!("drew {}", path.display());
    Ok(())
}

/// The axes, the line and its points, on an x axis of either kind.
fn plot<X>(
    builder: &mut ChartBuilder<'_, '_, SVGBackend<'_>>,
    x: X,
    y_max: f64,
    curve: &Curve,
) -> Result<(), String>
where
    X: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
{
    let mut chart = builder
        .build_cartesian_2d(x, 0.0..y_max)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc(curve.x_label)
        .y_desc(curve.y_label)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(LineSeries::new(curve.points.iter().copied(), &BLUE))
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(
            curve
                .points
                .iter()
                .map(|&p| Circle::new(p, 3, BLUE.filled())),
        )
        .map_err(|e| e.to_string())?;
    Ok(())
}
