//! The results table (`results.md`): one column per size, one row per measurement.

use std::fmt::Write as _;

use serde_json::Value as Json;

fn num(v: &Json, digits: usize) -> String {
    match v {
        Json::Number(n) if n.is_u64() || n.is_i64() => n.to_string(),
        Json::Number(n) => n
            .as_f64()
            .map_or_else(String::new, |f| format!("{f:.digits$}")),
        Json::Null => "–".to_owned(),
        other => other.to_string(),
    }
}

fn at<'a>(v: &'a Json, path: &str) -> &'a Json {
    path.split('.').fold(v, |v, key| &v[key])
}

fn kinds(v: &Json) -> String {
    v.as_object().map_or_else(String::new, |m| {
        m.iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

type Row = (&'static str, fn(&Json) -> String);

const ROWS: &[Row] = &[
    ("additions (companies × additions)", |s| {
        num(&s["additions"], 0)
    }),
    ("**plan** wall, median (s)", |s| {
        num(at(s, "plan.wallSeconds"), 2)
    }),
    ("plan wall, every run (s)", |s| {
        at(s, "plan.wallSecondsAll")
            .as_array()
            .map_or_else(String::new, |a| {
                a.iter().map(|w| num(w, 2)).collect::<Vec<_>>().join(", ")
            })
    }),
    ("plan ops (expected 0)", |s| num(at(s, "plan.ops"), 0)),
    ("plan requests", |s| num(at(s, "plan.requestsTotal"), 0)),
    ("plan requests by kind", |s| {
        kinds(at(s, "plan.requestsByKind"))
    }),
    ("minimum requests (strategy) [stages]", |s| {
        format!(
            "{} {}",
            num(at(s, "plan.minimum"), 0),
            at(s, "plan.minimumStages")
        )
    }),
    ("requests ÷ minimum (target ≤ 1.10)", |s| {
        num(at(s, "plan.requestsOverMinimum"), 3)
    }),
    ("bound: dependency chain (s)", |s| {
        num(at(s, "plan.chainSeconds"), 2)
    }),
    ("bound: rate limit (s)", |s| {
        num(at(s, "plan.rateSeconds"), 2)
    }),
    ("lower bound (s)", |s| {
        num(at(s, "plan.lowerBoundSeconds"), 2)
    }),
    ("plan wall ÷ lower bound (target ≤ 1.25)", |s| {
        num(at(s, "plan.wallOverLowerBound"), 3)
    }),
    ("fastest plan ÷ lower bound", |s| {
        num(at(s, "plan.minOverLowerBound"), 3)
    }),
    ("plan 429s", |s| num(at(s, "plan.log.throttled429"), 0)),
    ("plan peak RSS (MB)", |s| num(at(s, "plan.maxRssMb"), 1)),
    ("plan process CPU, user+sys (s)", |s| {
        num(at(s, "plan.cpuSeconds"), 2)
    }),
    ("config load CPU (s)", |s| {
        num(at(s, "diffRender.steady.loadSeconds"), 3)
    }),
    ("diff + render text CPU, no changes (s)", |s| {
        num(at(s, "diffRender.steady.diffRenderTextSeconds"), 3)
    }),
    ("diff + render JSON CPU, no changes (s)", |s| {
        num(at(s, "diffRender.steady.diffRenderJsonSeconds"), 3)
    }),
    ("diff + render text CPU, 5% drift (s)", |s| {
        num(at(s, "diffRender.drift.diffRenderTextSeconds"), 3)
    }),
    ("diff + render JSON CPU, 5% drift (s)", |s| {
        num(at(s, "diffRender.drift.diffRenderJsonSeconds"), 3)
    }),
    ("drift ops", |s| num(at(s, "diffRender.drift.ops"), 0)),
    ("**naive** wall (s)", |s| num(at(s, "naive.wallSeconds"), 1)),
    ("naive requests", |s| num(at(s, "naive.requestsTotal"), 0)),
    ("naive ÷ plan wall (target ≥ 10 at 5,000)", |s| {
        num(at(s, "naive.planSpeedup"), 1)
    }),
    ("**first apply**", |s| {
        if at(s, "firstApply.measured").as_bool() == Some(true) {
            "measured".to_owned()
        } else {
            "unthrottled build (no latency, no limit)".to_owned()
        }
    }),
    ("first apply wall (s)", |s| {
        num(at(s, "firstApply.wallSeconds"), 1)
    }),
    ("first apply writes", |s| {
        num(at(s, "firstApply.log.writes"), 0)
    }),
    ("first apply writes/min (write phase)", |s| {
        num(at(s, "firstApply.writePhase.writesPerMinute"), 0)
    }),
    ("first apply requests/min (write phase)", |s| {
        num(at(s, "firstApply.writePhase.requestsPerMinute"), 0)
    }),
    ("first apply ops done / failed / skipped", |s| {
        format!(
            "{} / {} / {}",
            num(at(s, "firstApply.ops.done"), 0),
            num(at(s, "firstApply.ops.failed"), 0),
            num(at(s, "firstApply.ops.skipped"), 0)
        )
    }),
    ("first apply 429s / 5xx", |s| {
        format!(
            "{} / {}",
            num(at(s, "firstApply.log.throttled429"), 0),
            num(at(s, "firstApply.log.serverErrors"), 0)
        )
    }),
    ("first apply peak RSS (MB)", |s| {
        num(at(s, "firstApply.maxRssMb"), 1)
    }),
    ("**5% drift apply** wall (s)", |s| {
        num(at(s, "driftApply.wallSeconds"), 1)
    }),
    ("drift writes", |s| num(at(s, "driftApply.log.writes"), 0)),
    ("drift writes/min (write phase)", |s| {
        num(at(s, "driftApply.writePhase.writesPerMinute"), 0)
    }),
    ("drift requests/min (write phase)", |s| {
        num(at(s, "driftApply.writePhase.requestsPerMinute"), 0)
    }),
    ("drift ops done / failed / skipped", |s| {
        format!(
            "{} / {} / {}",
            num(at(s, "driftApply.ops.done"), 0),
            num(at(s, "driftApply.ops.failed"), 0),
            num(at(s, "driftApply.ops.skipped"), 0)
        )
    }),
    ("drift 429s / 5xx", |s| {
        format!(
            "{} / {}",
            num(at(s, "driftApply.log.throttled429"), 0),
            num(at(s, "driftApply.log.serverErrors"), 0)
        )
    }),
    ("re-plan ops after drift apply (expected 0)", |s| {
        num(at(s, "driftApply.replanOps"), 0)
    }),
];

/// The table for `doc` (`results.json`).
pub(crate) fn markdown(doc: &Json) -> String {
    let sizes = doc["sizes"].as_array().cloned().unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(out, "Settings: {}\n", doc["settings"]);
    let _ = write!(out, "| companies |");
    for s in &sizes {
        let _ = write!(out, " {} |", num(&s["companies"], 0));
    }
    let _ = write!(out, "\n|---|");
    for _ in &sizes {
        let _ = write!(out, "---|");
    }
    out.push('\n');
    for (label, cell) in ROWS {
        let _ = write!(out, "| {label} |");
        for s in &sizes {
            let _ = write!(out, " {} |", cell(s));
        }
        out.push('\n');
    }
    out
}
