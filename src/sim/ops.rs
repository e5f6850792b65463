//! The operations behind every resource path: list, count, get, create, replace, patch, delete.
//!
//! Owns the order of a write (bind → prepare → validate → check → derive → store) and of a read
//! (parent → rows → filter → sort → page → render → project), on data the caller has locked. It
//! refuses HTTP details (headers, status mapping), which live in [`super::app`].

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::api_error::ApiError;
use super::filter;
use super::query::ListQuery;
use super::render;
use super::resources::{Owner, Route, Target};
use super::rules::{self, Mode, model};
use super::store::{Data, Row, RowInfo};
use super::write::{self, Problems};

/// Who and when a request acts, and the base URL hrefs use.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// `http://host/v4_6_release/apis/3.0`.
    pub(crate) base: String,
    /// The request time, `yyyy-MM-ddTHH:mm:ssZ`.
    pub(crate) now: String,
    /// The API member identifier writes are attributed to.
    pub(crate) who: String,
}

/// One page of a list.
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) records: Vec<Value>,
    /// Pages in total (navigable paging), for the `Link` header.
    pub(crate) pages: usize,
    /// For forward-only paging: the last id returned.
    pub(crate) last_id: Option<i64>,
}

/// Check that the parent in the path exists (404 otherwise).
fn check_parent(data: &Data, route: &Route) -> Result<(), ApiError> {
    if let (
        Owner::Parent {
            table,
            from_path: true,
            ..
        },
        Some(parent),
    ) = (route.resource.owner, route.parent)
    {
        let found = data.row(table, parent).is_some_and(rules::is_visible);
        if !found {
            let parent_model = super::resources::Resource::for_table(table).model;
            return Err(ApiError::record_not_found(parent_model, parent));
        }
    }
    Ok(())
}

fn in_scope(route: &Route, row: &Row) -> bool {
    !route.resource.parent_from_path() || row.parent == route.parent
}

/// The rows a list or count starts from: the parent's, without companies in the recycle bin
/// (unless the conditions mention `deletedFlag`), in id order.
fn visible_rows<'a>(data: &'a Data, route: &Route, q: &ListQuery) -> Vec<&'a Row> {
    let hide_deleted = route.resource.table == "companies" && !q.mentions("deletedFlag");
    let visible = |row: &&Row| !hide_deleted || rules::is_visible(row);
    match route.parent {
        // A child collection reads its parent's rows from the index, not the whole table.
        Some(parent) if route.resource.parent_from_path() => data
            .children(route.resource.table, parent)
            .filter(visible)
            .collect(),
        _ => data
            .rows(route.resource.table)
            .filter(|row| in_scope(route, row))
            .filter(visible)
            .collect(),
    }
}

/// The rows a list or count sees: the visible rows that satisfy the query's conditions, in id
/// order. A row is tested on its stored fields where they show as rendered, then on a rendering
/// of only the fields the conditions name, so a look-up by natural key costs a few field
/// comparisons a row, not whole records.
fn matching_rows<'a>(
    data: &'a Data,
    route: &Route,
    q: &ListQuery,
    renderer: &render::Renderer<'_>,
) -> Vec<&'a Row> {
    let mut rows = visible_rows(data, route, q);
    let conditions = q
        .conditions
        .as_ref()
        .map(|expr| filter::Matcher::for_model(expr, model(route.resource)));
    let custom = q.custom_field_conditions.as_ref().map(filter::Matcher::new);
    let children = q.child_conditions.as_ref().map(filter::Matcher::new);
    if conditions.is_none() && custom.is_none() && children.is_none() {
        return rows;
    }
    let mut names = BTreeSet::new();
    for expr in [&q.conditions, &q.child_conditions].into_iter().flatten() {
        filter::named_fields(expr, &mut names);
    }
    if custom.is_some() {
        names.insert("customFields");
    }
    let rest = custom.is_some() || children.is_some();
    rows.retain(|row| {
        // Comparisons a stored row answers (`company/id = 7`, `name = "x"`) decide first, so most
        // rows of a look-up are turned away without being rendered.
        match conditions.as_ref().and_then(|m| m.on_stored(row)) {
            Some(false) => return false,
            Some(true) if !rest => return true,
            _ => {}
        }
        let record = renderer.fields(route.resource, row, &names);
        conditions.as_ref().is_none_or(|m| m.matches(&record))
            && custom.as_ref().is_none_or(|m| m.matches_custom(&record))
            && children.as_ref().is_none_or(|m| m.matches(&record))
    });
    rows
}

/// GET on a collection. `forward_only` is the `pagination-type: forward-only` header.
pub(crate) fn list(
    data: &Data,
    route: &Route,
    q: &ListQuery,
    ctx: &Ctx,
    forward_only: bool,
) -> Result<Page, ApiError> {
    if forward_only && !q.order.is_empty() {
        // API-NOTES.md §1.5: forward-only paging forbids orderBy.
        return Err(ApiError::BadQuery {
            message: "orderBy is not supported with forward-only pagination.".to_owned(),
        });
    }
    check_parent(data, route)?;
    let renderer = render::Renderer::new(data, &ctx.base);
    let mut rows = matching_rows(data, route, q, &renderer);
    let render = |rows: Vec<&Row>| -> Vec<Value> {
        let records = rows
            .into_iter()
            .map(|row| renderer.record(route.resource, row))
            .collect();
        project(records, q)
    };
    if forward_only {
        let after = q.page_id.unwrap_or(0);
        rows.retain(|row| row.id > after);
        rows.truncate(q.page_size);
        let last_id = rows.last().map(|row| row.id);
        return Ok(Page {
            records: render(rows),
            pages: 1,
            last_id,
        });
    }
    let pages = rows.len().div_ceil(q.page_size).max(1);
    let start = (q.page - 1).saturating_mul(q.page_size);
    if q.order.iter().all(|k| k.path == ["id"]) {
        // Rows are in id order already: page them, and render only the page.
        if q.order.first().is_some_and(|k| k.descending) {
            rows.reverse();
        }
        let page: Vec<&Row> = rows.into_iter().skip(start).take(q.page_size).collect();
        return Ok(Page {
            records: render(page),
            pages,
            last_id: None,
        });
    }
    let mut records: Vec<Value> = rows
        .into_iter()
        .map(|row| renderer.record(route.resource, row))
        .collect();
    filter::sort(&mut records, &q.order);
    let page: Vec<Value> = records.into_iter().skip(start).take(q.page_size).collect();
    Ok(Page {
        records: project(page, q),
        pages,
        last_id: None,
    })
}

fn project(records: Vec<Value>, q: &ListQuery) -> Vec<Value> {
    match &q.fields {
        Some(paths) => records.iter().map(|r| filter::project(r, paths)).collect(),
        None => records,
    }
}

/// GET `/count`.
pub(crate) fn count(
    data: &Data,
    route: &Route,
    q: &ListQuery,
    ctx: &Ctx,
) -> Result<Value, ApiError> {
    check_parent(data, route)?;
    let renderer = render::Renderer::new(data, &ctx.base);
    let n = matching_rows(data, route, q, &renderer).len();
    Ok(serde_json::json!({ "count": n }))
}

fn existing<'a>(data: &'a Data, route: &Route, id: i64) -> Result<&'a Row, ApiError> {
    check_parent(data, route)?;
    data.row(route.resource.table, id)
        .filter(|row| in_scope(route, row) && rules::is_visible(row))
        .ok_or_else(|| ApiError::record_not_found(route.resource.model, id))
}

/// GET `/{id}`.
pub(crate) fn get(
    data: &Data,
    route: &Route,
    id: i64,
    q: &ListQuery,
    ctx: &Ctx,
) -> Result<Value, ApiError> {
    let row = existing(data, route, id)?;
    let record = render::record(data, route.resource, row, &ctx.base);
    Ok(match &q.fields {
        Some(paths) => filter::project(&record, paths),
        None => record,
    })
}

/// POST on a collection: 201 with the full record.
pub(crate) fn create(
    data: &mut Data,
    route: &Route,
    raw: &str,
    ctx: &Ctx,
) -> Result<Value, ApiError> {
    check_parent(data, route)?;
    let m = model(route.resource);
    let body = write::parse_json(raw)?;
    let mut fields = write::bind(m, &body, raw)?;
    let (fields, parent) = validated(data, route, Mode::Create, None, &mut fields)?;
    let mut fields = fields;
    let types = if route.resource.table == "companies" {
        fields.remove("types")
    } else {
        None
    };
    let info = RowInfo::new(&ctx.now, &ctx.who);
    let id = data.insert(route.resource.table, parent, fields, info.clone());
    rules::after_create(data, route.resource, id, types, &info);
    let row = data
        .row(route.resource.table, id)
        .expect("invariant: the row was just inserted");
    Ok(render::record(data, route.resource, row, &ctx.base))
}

/// The shared middle of every write; returns the fields to store and the row's parent.
fn validated(
    data: &Data,
    route: &Route,
    mode: Mode,
    existing: Option<&Row>,
    fields: &mut Map<String, Value>,
) -> Result<(Map<String, Value>, Option<i64>), ApiError> {
    let m = model(route.resource);
    let mut problems = Problems::new(m);
    let parent = route.parent.or_else(|| existing.and_then(|r| r.parent));
    rules::prepare(
        route.resource,
        mode,
        existing,
        parent,
        fields,
        &mut problems,
    );
    write::validate(data, m, fields, &mut problems);
    if problems.is_empty() {
        rules::check(
            data,
            route.resource,
            existing.map(|r| r.id),
            fields,
            &mut problems,
        );
    }
    problems.into_result()?;
    let parent = rules::derive(data, route.resource, parent, fields);
    Ok((std::mem::take(fields), parent))
}

/// PUT `/{id}`: a full replace; fields left out are reset.
pub(crate) fn replace(
    data: &mut Data,
    route: &Route,
    id: i64,
    raw: &str,
    ctx: &Ctx,
) -> Result<Value, ApiError> {
    let row = existing(data, route, id)?.clone();
    let m = model(route.resource);
    let body = write::parse_json(raw)?;
    let mut fields = write::bind(m, &body, raw)?;
    keep_hidden(route, &row, &mut fields);
    let (fields, parent) = validated(data, route, Mode::Replace, Some(&row), &mut fields)?;
    Ok(store(data, route, row, fields, parent, ctx))
}

/// PATCH `/{id}`: apply an operation array.
pub(crate) fn patch(
    data: &mut Data,
    route: &Route,
    id: i64,
    raw: &str,
    ctx: &Ctx,
) -> Result<Value, ApiError> {
    let row = existing(data, route, id)?.clone();
    let m = model(route.resource);
    let ops = write::parse_json(raw)?;
    let mut fields = row.fields.clone();
    write::apply_patch(m, &mut fields, &ops, raw)?;
    let (fields, parent) = validated(data, route, Mode::Patch, Some(&row), &mut fields)?;
    Ok(store(data, route, row, fields, parent, ctx))
}

/// Fields stored on the row but absent from this resource's model (the legacy sub-category form has
/// no `category`) survive a PUT.
fn keep_hidden(route: &Route, row: &Row, fields: &mut Map<String, Value>) {
    let m = model(route.resource);
    for (key, value) in &row.fields {
        if m.field(key).is_none() {
            fields.insert(key.clone(), value.clone());
        }
    }
}

fn store(
    data: &mut Data,
    route: &Route,
    mut row: Row,
    fields: Map<String, Value>,
    parent: Option<i64>,
    ctx: &Ctx,
) -> Value {
    row.fields = fields;
    row.parent = parent;
    row.info.last_updated.clone_from(&ctx.now);
    row.info.updated_by.clone_from(&ctx.who);
    let id = row.id;
    data.table_mut(route.resource.table).put(row);
    let row = data
        .row(route.resource.table, id)
        .expect("invariant: the row was just stored");
    render::record(data, route.resource, row, &ctx.base)
}

/// DELETE `/{id}`: 204.
pub(crate) fn delete(data: &mut Data, route: &Route, id: i64, ctx: &Ctx) -> Result<(), ApiError> {
    existing(data, route, id)?;
    rules::delete(data, route.resource, id, &ctx.now, &ctx.who);
    Ok(())
}

/// Whether a route and method exist together (405 otherwise).
pub(crate) fn allows(route: &Route, method: &axum::http::Method) -> bool {
    use axum::http::Method;
    match route.target {
        Target::Collection => *method == Method::GET || *method == Method::POST,
        Target::Count => *method == Method::GET,
        Target::Item(_) => {
            *method == Method::GET
                || *method == Method::PUT
                || *method == Method::PATCH
                || (*method == Method::DELETE && route.resource.delete)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resources::RESOURCES;
    use crate::sim::store::id_ref;
    use serde_json::json;

    /// A small generated tenant plus rows of awkward shapes: a deleted company, a contact with no
    /// company, one whose company is not a row, one whose reference carries no id.
    fn tenant() -> Data {
        let mut data = super::super::defaults::data();
        let spec = "companies=6,catalog=4,agreements=2,additions=3".parse();
        super::super::generate::fill(&mut data, &spec.expect("spec"));
        let info = RowInfo::new("2025-03-04T05:06:07Z", "someone");
        let object = |v: Value| v.as_object().cloned().expect("object");
        let deleted = object(
            json!({"identifier": "Gone", "name": "Gone Inc", "deletedFlag": true,
            "status": id_ref(1), "country": id_ref(1)}),
        );
        data.insert("companies", None, deleted, info.clone());
        for fields in [
            json!({"firstName": "Pat", "lastName": "NoCompany"}),
            json!({"firstName": "PAT", "lastName": "Ghost", "company": id_ref(9999)}),
            json!({"firstName": "pat", "lastName": "Odd", "company": {"name": "x"}}),
            json!({"firstName": null, "lastName": "Null", "company": null}),
        ] {
            data.insert("contacts", None, object(fields), info.clone());
        }
        data
    }

    fn ctx() -> Ctx {
        Ctx {
            base: "http://sim/v4_6_release/apis/3.0".to_owned(),
            now: "2025-03-04T05:06:07Z".to_owned(),
            who: "someone".to_owned(),
        }
    }

    /// What a list answered before rows were tested unrendered: every visible row rendered in
    /// full, then the conditions evaluated on the record.
    fn rendered_ids(data: &Data, route: &Route, q: &ListQuery) -> Vec<i64> {
        let renderer = render::Renderer::new(data, "http://sim/v4_6_release/apis/3.0");
        visible_rows(data, route, q)
            .into_iter()
            .filter(|row| {
                let record = renderer.record(route.resource, row);
                q.conditions
                    .as_ref()
                    .is_none_or(|e| filter::evaluate(e, &record))
                    && q.child_conditions
                        .as_ref()
                        .is_none_or(|e| filter::evaluate(e, &record))
                    && q.custom_field_conditions
                        .as_ref()
                        .is_none_or(|e| filter::Matcher::new(e).matches_custom(&record))
            })
            .map(|row| row.id)
            .collect()
    }

    /// Lists to compare: resource key, parent id, query parameter, its text.
    const CASES: &[(&str, Option<i64>, &str, &str)] = &[
        (
            "companies",
            None,
            "conditions",
            "identifier in (\"gen000001\", \"GEN000003\", \"nope\")",
        ),
        (
            "companies",
            None,
            "conditions",
            "(deletedFlag = true or deletedFlag = false) and identifier in (\"Gone\", \"Gen000002\")",
        ),
        ("companies", None, "conditions", "deletedFlag = true"),
        (
            "companies",
            None,
            "conditions",
            "id in (1, 3, 99) and status/name = \"Active\"",
        ),
        ("companies", None, "conditions", "id > 2 and id <= 5"),
        (
            "companies",
            None,
            "conditions",
            "status/id = 1 and city = 'austin'",
        ),
        (
            "companies",
            None,
            "conditions",
            "name not like 'generated company 1%' and id != 2",
        ),
        (
            "companies",
            None,
            "conditions",
            "lastUpdated > [2020-01-01] and id != 1",
        ),
        ("companies", None, "childConditions", "types/id = 1"),
        ("contacts", None, "conditions", "company/id = 3"),
        ("contacts", None, "conditions", "company/id in (1, 2, 9999)"),
        ("contacts", None, "conditions", "company/id = null"),
        ("contacts", None, "conditions", "company/id != 2"),
        (
            "contacts",
            None,
            "conditions",
            "company/id = 2 and firstName = 'PAT' and lastName = 'generated2'",
        ),
        (
            "contacts",
            None,
            "conditions",
            "company/name = 'x' or company/id = 4",
        ),
        (
            "contacts",
            None,
            "conditions",
            "company/identifier = 'Gen000005' and firstName != null",
        ),
        ("contacts", None, "conditions", "firstName = null"),
        (
            "agreements",
            None,
            "conditions",
            "type/name = \"Generated\" and company/id in (2, 4)",
        ),
        (
            "agreements",
            None,
            "conditions",
            "company/id = 1 and name = \"Generated - 1 - 2\"",
        ),
        ("additions", Some(1), "conditions", "product/id != 2"),
        (
            "additions",
            Some(3),
            "conditions",
            "product/identifier like 'GEN%' and quantity >= 2",
        ),
        ("additions", Some(2), "conditions", "id in (4, 5, 6, 7)"),
    ];

    #[test]
    fn unrendered_tests_agree_with_rendered_records() {
        let data = tenant();
        for &(key, parent, param, text) in CASES {
            let resource = RESOURCES.iter().find(|r| r.key == key).expect(key);
            let route = Route {
                resource,
                parent,
                target: Target::Collection,
            };
            let pairs = vec![(param.to_owned(), text.to_owned())];
            let q = ListQuery::parse(model(resource), pairs).expect(text);
            let want = rendered_ids(&data, &route, &q);
            let renderer = render::Renderer::new(&data, "http://sim/v4_6_release/apis/3.0");
            let got: Vec<i64> = matching_rows(&data, &route, &q, &renderer)
                .iter()
                .map(|row| row.id)
                .collect();
            assert_eq!(got, want, "{key} {param}={text}");
            let count = count(&data, &route, &q, &ctx()).expect("count");
            assert_eq!(count["count"], json!(want.len()), "{key} {param}={text}");
        }
    }
}
