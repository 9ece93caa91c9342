use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, assert_problem, error_fields, spawn_app};

impl TestApp {
    /// Creates a department (under `parent`) and returns its id.
    async fn department(&self, name: &str, parent: Option<i64>) -> i64 {
        let res = self
            .post("/api/departments", &self.admin_token, json!({"name": name, "parent_id": parent}))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "department {name}");
        res.json::<Value>().await.expect("json")["id"].as_i64().expect("id")
    }

    /// Creates an employee from the given fields (`id`, `name` and `email` filled in when absent).
    async fn employee(&self, id: &str, fields: Value) -> Value {
        let mut body =
            json!({"id": id, "name": format!("Employee {id}"), "email": format!("{id}@example.com")});
        body.as_object_mut().expect("object").extend(fields.as_object().expect("object").clone());
        let res = self.post("/api/employees", &self.admin_token, body).await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "employee {id}: {}",
            res.text().await.unwrap_or_default()
        );
        res.json().await.expect("json")
    }

    async fn get_json(&self, path: &str) -> Value {
        let res = self.get(path, &self.admin_token).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.json().await.expect("json")
    }

    /// `POST /api/employees/import` with a CSV body.
    async fn import(&self, query: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.post_raw(&format!("/api/employees/import{query}"), &self.admin_token, "text/csv", body).await
    }

    async fn import_ok(&self, query: &str, body: impl Into<reqwest::Body>) -> Value {
        let res = self.import(query, body).await;
        assert_eq!(res.status(), StatusCode::OK, "import");
        res.json().await.expect("json")
    }

    async fn reviewer_of(&self, id: &str) -> reqwest::Response {
        self.get(&format!("/api/employees/{id}/primary-reviewer"), &self.admin_token).await
    }
}

fn row_errors(result: &Value) -> Vec<(i64, Option<String>)> {
    result["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["row"].as_i64().expect("row"), e["field"].as_str().map(str::to_owned)))
        .collect()
}

#[tokio::test]
async fn departments_form_a_tree_and_a_cycle_is_refused() {
    let app = spawn_app().await;
    let hq = app.department("HQ", None).await;
    let security = app.department("Security", Some(hq)).await;
    let soc = app.department("SOC", Some(security)).await;

    let got = app.get_json(&format!("/api/departments/{soc}")).await;
    assert_eq!((got["name"].as_str(), got["parent_id"].as_i64()), (Some("SOC"), Some(security)));
    assert_eq!(got["manager_id"], Value::Null);

    for parent in [soc, security, hq] {
        let res =
            app.put(&format!("/api/departments/{hq}"), &app.admin_token, json!({"parent_id": parent})).await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&problem), ["parent_id"], "HQ under {parent}");
    }
    let res = app.put(&format!("/api/departments/{soc}"), &app.admin_token, json!({"parent_id": 999})).await;
    assert_eq!(error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["parent_id"]);

    // Names are unique among siblings only.
    let res =
        app.post("/api/departments", &app.admin_token, json!({"name": "SOC", "parent_id": security})).await;
    assert_problem(res, StatusCode::CONFLICT).await;
    let other_soc = app.department("SOC", Some(hq)).await;
    let res = app.post("/api/departments", &app.admin_token, json!({"name": "A/B"})).await;
    assert_eq!(error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["name"]);

    // Moving a sub-tree elsewhere, then to the top, is fine.
    let res = app
        .put(&format!("/api/departments/{security}"), &app.admin_token, json!({"parent_id": other_soc}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .put(
            &format!("/api/departments/{security}"),
            &app.admin_token,
            json!({"parent_id": null, "name": "Sec"}),
        )
        .await;
    let moved: Value = res.json().await.expect("json");
    assert_eq!((moved["parent_id"].clone(), moved["name"].as_str()), (Value::Null, Some("Sec")));

    let list = app.get_json("/api/departments?q=soc").await;
    assert_eq!(list["total"], 2, "q ignores case");
    let audit = app.get_json("/api/audit-log?action=department.update").await;
    assert_eq!(audit["total"], 2);
}

#[tokio::test]
async fn a_department_with_sub_departments_or_employees_is_not_deleted() {
    let app = spawn_app().await;
    let hq = app.department("HQ", None).await;
    let soc = app.department("SOC", Some(hq)).await;
    app.employee("E1", json!({"department_id": soc})).await;

    let problem = assert_problem(
        app.delete(&format!("/api/departments/{hq}"), &app.admin_token).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("sub-department")));
    let problem = assert_problem(
        app.delete(&format!("/api/departments/{soc}"), &app.admin_token).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("employee")));

    let res = app.put("/api/employees/E1", &app.admin_token, json!({"department_id": null})).await;
    assert_eq!(res.status(), StatusCode::OK);
    for id in [soc, hq] {
        assert_eq!(
            app.delete(&format!("/api/departments/{id}"), &app.admin_token).await.status(),
            StatusCode::NO_CONTENT
        );
    }
    assert_problem(app.get(&format!("/api/departments/{hq}"), &app.admin_token).await, StatusCode::NOT_FOUND)
        .await;
}

#[tokio::test]
async fn an_admin_creates_reads_lists_changes_and_deletes_employees() {
    let app = spawn_app().await;
    let soc = app.department("SOC", None).await;
    let created = app
        .employee(
            "E1",
            json!({"name": "Kim Chulsoo", "email": "kim@example.com", "department_id": soc,
                                "is_manager": true, "language": "ko"}),
        )
        .await;
    assert_eq!(created["department_name"], "SOC");
    assert_eq!((created["is_manager"].as_bool(), created["is_admin"].as_bool()), (Some(true), Some(false)));
    assert_eq!((created["language"].as_str(), created["account_id"].clone()), (Some("ko"), Value::Null));
    let dept = app.get_json(&format!("/api/departments/{soc}")).await;
    assert_eq!(
        (dept["manager_id"].as_str(), dept["manager_name"].as_str()),
        (Some("E1"), Some("Kim Chulsoo"))
    );

    app.employee(
        "e2.lee@corp",
        json!({"name": "Lee", "email": "lee@example.com", "department_id": soc, "is_admin": true}),
    )
    .await;
    app.employee("E3", json!({"name": "Park"})).await;

    let changed: Value = app
        .put(
            "/api/employees/E3",
            &app.admin_token,
            json!({"name": "Park Jisoo", "email": "PARK@example.com", "language": "en"}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (changed["name"].as_str(), changed["email"].as_str()),
        (Some("Park Jisoo"), Some("PARK@example.com"))
    );
    assert_eq!(app.get_json("/api/employees/e2.lee@corp").await["is_admin"], true);

    for (query, expected) in [
        ("", vec!["E1", "e2.lee@corp", "E3"]),
        ("?q=KIM", vec!["E1"]),
        ("?q=park@", vec!["E3"]),
        ("?q=e2.", vec!["e2.lee@corp"]),
        ("?q=%25", vec![]),
        (&format!("?department_id={soc}"), vec!["E1", "e2.lee@corp"]),
        ("?is_admin=true", vec!["e2.lee@corp"]),
    ] {
        let page = app.get_json(&format!("/api/employees{query}")).await;
        let ids: Vec<&str> =
            page["items"].as_array().expect("items").iter().filter_map(|e| e["id"].as_str()).collect();
        assert_eq!(ids, expected, "{query}");
        assert_eq!(page["total"], expected.len());
    }

    // Keyset pages over text ids, by name.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app.get_json(&format!("/api/employees?limit=1&cursor={cursor}")).await;
        seen.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|e| e["name"].as_str().expect("name").to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, ["Kim Chulsoo", "Lee", "Park Jisoo"]);
    app.site("a").await;
    app.site("b").await;
    let foreign =
        app.get_json("/api/sites?limit=1").await["next_cursor"].as_str().expect("cursor").to_owned();
    let res = app.get(&format!("/api/employees?cursor={foreign}"), &app.admin_token).await;
    assert_eq!(error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["cursor"]);

    assert_eq!(app.delete("/api/employees/E1", &app.admin_token).await.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get("/api/employees/E1", &app.admin_token).await, StatusCode::NOT_FOUND).await;
    assert_eq!(app.get_json(&format!("/api/departments/{soc}")).await["manager_id"], Value::Null);
    let audit = app.get_json("/api/audit-log?action=employee.create").await;
    assert_eq!(audit["total"], 3);
    assert_eq!(audit["items"][2]["target_id"], "E1");
    assert_eq!(app.get_json("/api/audit-log?action=employee.delete").await["total"], 1);
}

#[tokio::test]
async fn invalid_employees_are_refused_with_every_bad_field_named() {
    let app = spawn_app().await;
    let res = app
        .post(
            "/api/employees",
            &app.admin_token,
            json!({"id": "bad id", "name": " ", "email": "nope", "department_id": 999}),
        )
        .await;
    let mut fields = error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await);
    fields.sort();
    assert_eq!(fields, ["department_id", "email", "id", "name"]);
    let res = app
        .post(
            "/api/employees",
            &app.admin_token,
            json!({"id": "E1", "name": "Kim", "email": "k@example.com", "is_manager": true}),
        )
        .await;
    assert_eq!(error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["is_manager"]);
    let res = app
        .post(
            "/api/employees",
            &app.admin_token,
            json!({"id": "E1", "name": "Kim", "email": "k@example.com", "language": "fr"}),
        )
        .await;
    assert_eq!(error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["language"]);
    assert_eq!(app.get_json("/api/employees").await["total"], 0, "nothing was written");

    app.employee("E1", json!({})).await;
    let res = app
        .post(
            "/api/employees",
            &app.admin_token,
            json!({"id": "E1", "name": "Kim", "email": "k@example.com"}),
        )
        .await;
    assert!(
        assert_problem(res, StatusCode::CONFLICT).await["detail"].as_str().is_some_and(|d| d.contains("E1"))
    );

    let res = app
        .put("/api/employees/E1", &app.admin_token, json!({"email": "x", "department_id": 5, "id": "E9"}))
        .await;
    assert_eq!(
        error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["id"],
        "unknown field"
    );
    let res = app.put("/api/employees/E1", &app.admin_token, json!({"email": "x", "department_id": 5})).await;
    let mut fields = error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await);
    fields.sort();
    assert_eq!(fields, ["department_id", "email"]);
    assert_problem(
        app.put("/api/employees/E404", &app.admin_token, json!({"name": "x"})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn the_manager_flag_and_the_department_manager_agree() {
    let app = spawn_app().await;
    let soc = app.department("SOC", None).await;
    let sales = app.department("Sales", None).await;
    app.employee("A", json!({"department_id": soc, "is_manager": true})).await;
    app.employee("B", json!({"department_id": soc})).await;
    app.employee("C", json!({"department_id": sales})).await;

    // An employee's flag replaces the department's manager.
    let b: Value = app
        .put("/api/employees/B", &app.admin_token, json!({"is_manager": true}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(b["is_manager"], true);
    assert_eq!(app.get_json("/api/employees/A").await["is_manager"], false);
    assert_eq!(app.get_json(&format!("/api/departments/{soc}")).await["manager_id"], "B");

    // The department's manager_id sets the flag; it must be one of its employees.
    let res = app.put(&format!("/api/departments/{soc}"), &app.admin_token, json!({"manager_id": "A"})).await;
    assert_eq!(res.json::<Value>().await.expect("json")["manager_name"], "Employee A");
    assert_eq!(app.get_json("/api/employees/A").await["is_manager"], true);
    assert_eq!(app.get_json("/api/employees/B").await["is_manager"], false);
    for outsider in ["C", "nobody"] {
        let res = app
            .put(&format!("/api/departments/{soc}"), &app.admin_token, json!({"manager_id": outsider}))
            .await;
        assert_eq!(
            error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await),
            ["manager_id"]
        );
    }

    // A manager who moves away no longer manages the old department; false gives up the role.
    let a: Value = app
        .put("/api/employees/A", &app.admin_token, json!({"department_id": sales}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(a["is_manager"], false);
    assert_eq!(app.get_json(&format!("/api/departments/{soc}")).await["manager_id"], Value::Null);
    app.put("/api/employees/C", &app.admin_token, json!({"is_manager": true})).await;
    app.put("/api/employees/C", &app.admin_token, json!({"is_manager": false})).await;
    assert_eq!(app.get_json(&format!("/api/departments/{sales}")).await["manager_id"], Value::Null);
    let res =
        app.put(&format!("/api/departments/{sales}"), &app.admin_token, json!({"manager_id": "C"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res =
        app.put(&format!("/api/departments/{sales}"), &app.admin_token, json!({"manager_id": null})).await;
    assert_eq!(res.json::<Value>().await.expect("json")["manager_id"], Value::Null);
}

#[tokio::test]
async fn a_csv_import_applies_good_rows_and_reports_bad_ones_without_applying_them() {
    let app = spawn_app().await;
    let hq = app.department("HQ", None).await;
    let security = app.department("Security", Some(hq)).await;
    app.employee("E2", json!({"name": "Old Name", "department_id": security})).await;
    app.employee("E4", json!({"name": "Untouched", "language": "en"})).await;

    let csv = "Name,EMPLOYEE_ID,email,department,Manager,admin\n\
               Kim,E1,kim@example.com,HQ/Security/SOC,Y,no\n\
               Lee,E2,lee@example.com,Security,,1\n\
               Park,E3,park@example.com,,false,TRUE\n\
               Changed,E4,not-an-email,Ghost/Town,maybe,n\n\
               Kim Again,E1,kim2@example.com,HQ,N,N\n\
               Choi,E5,choi@example.com,HQ/Security/SOC,yes,no\n\
               Jung,E6,jung@example.com,,yes,no\n\
               Han,E7,han@example.com,HQ/Sales,1,0\n";
    let result = app.import_ok("", csv).await;
    assert_eq!((result["created"].as_i64(), result["updated"].as_i64()), (Some(3), Some(1)), "{result}");
    assert_eq!(result["departments_created"], 2, "SOC and Sales");
    assert_eq!(
        row_errors(&result),
        [
            (4, Some("email".into())),
            (4, Some("manager".into())),
            (5, Some("employee_id".into())),
            (6, Some("manager".into())),
            (7, Some("manager".into())),
        ]
    );
    assert!(result["errors"][2]["reason"].as_str().is_some_and(|r| r.contains("row 1")));
    assert!(result["errors"][3]["reason"].as_str().is_some_and(|r| r.contains("row 1")));

    let kim = app.get_json("/api/employees/E1").await;
    assert_eq!((kim["name"].as_str(), kim["department_name"].as_str()), (Some("Kim"), Some("SOC")));
    assert_eq!(kim["is_manager"], true);
    let soc = kim["department_id"].as_i64().expect("SOC");
    assert_eq!(app.get_json(&format!("/api/departments/{soc}")).await["parent_id"], security);
    let lee = app.get_json("/api/employees/E2").await;
    assert_eq!(
        (lee["name"].as_str(), lee["department_id"].as_i64(), lee["is_admin"].as_bool()),
        (Some("Lee"), Some(security), Some(true))
    );
    let park = app.get_json("/api/employees/E3").await;
    assert_eq!((park["department_id"].clone(), park["is_admin"].as_bool()), (Value::Null, Some(true)));
    // The bad rows changed nothing: E4 as it was, no Ghost department, no E5 or E6.
    let e4 = app.get_json("/api/employees/E4").await;
    assert_eq!(
        (e4["name"].as_str(), e4["email"].as_str(), e4["language"].as_str()),
        (Some("Untouched"), Some("E4@example.com"), Some("en"))
    );
    assert_eq!(app.get_json("/api/departments?q=ghost").await["total"], 0);
    for id in ["E5", "E6"] {
        assert_problem(
            app.get(&format!("/api/employees/{id}"), &app.admin_token).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }

    // Importing again updates; `manager` false ends Kim's management and `language` is kept
    // without its column.
    let again = app.import_ok("", "employee_id,name,email,department,manager,admin\nE1,Kim,kim@example.com,HQ/Security/SOC,,\nE4,Untouched,e4@example.com,,,\n").await;
    assert_eq!(
        (again["created"].as_i64(), again["updated"].as_i64(), again["departments_created"].as_i64()),
        (Some(0), Some(2), Some(0))
    );
    assert_eq!(app.get_json("/api/employees/E1").await["is_manager"], false);
    assert_eq!(app.get_json("/api/employees/E4").await["language"], "en");
    assert_eq!(app.get_json("/api/audit-log?action=employee.import").await["total"], 2);
}

#[tokio::test]
async fn an_euc_kr_file_round_trips_korean_names() {
    let app = spawn_app().await;
    let csv = "employee_id,name,email,department,manager,admin,language\n\
               K001,김철수,kim@example.co.kr,본사/정보보호팀,Y,N,ko\n\
               K002,이영희,lee@example.co.kr,정보보호팀,N,Y,\n";
    let (bytes, _, unmappable) = encoding_rs::EUC_KR.encode(csv);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");

    // Detected without a parameter...
    let result = app.import_ok("", bytes.to_vec()).await;
    assert_eq!(
        (result["created"].as_i64(), result["errors"].as_array().map(Vec::len)),
        (Some(2), Some(0)),
        "{result}"
    );
    let kim = app.get_json("/api/employees/K001").await;
    assert_eq!((kim["name"].as_str(), kim["department_name"].as_str()), (Some("김철수"), Some("정보보호팀")));
    assert_eq!(kim["is_manager"], true);
    let lee = app.get_json("/api/employees/K002").await;
    assert_eq!(
        (lee["name"].as_str(), lee["department_id"].clone()),
        (Some("이영희"), kim["department_id"].clone())
    );
    let reviewer: Value = app.reviewer_of("K002").await.json().await.expect("json");
    assert_eq!(reviewer["name"], "김철수");
    let found = app.get_json("/api/employees?q=%EC%B2%A0%EC%88%98").await;
    assert_eq!(found["items"][0]["id"], "K001", "q=철수");

    // ...or named, and UTF-8 with a byte-order mark reads the same.
    let renamed = csv.replace("김철수", "김철수2");
    let (bytes, _, _) = encoding_rs::EUC_KR.encode(&renamed);
    let result = app.import_ok("?encoding=euc-kr", bytes.to_vec()).await;
    assert_eq!(result["updated"], 2);
    assert_eq!(app.get_json("/api/employees/K001").await["name"], "김철수2");
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), csv.as_bytes()].concat();
    let result = app.import_ok("?encoding=utf-8", with_bom).await;
    assert_eq!((result["updated"].as_i64(), result["errors"].as_array().map(Vec::len)), (Some(2), Some(0)));
    assert_eq!(app.get_json("/api/employees/K001").await["name"], "김철수");
}

#[tokio::test]
async fn an_import_refuses_bad_headers_types_encodings_and_sizes() {
    let app = spawn_app().await;
    let res = app.import("", "employee_id,name,mail\nE1,Kim,kim@example.com\n").await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(error_fields(&problem).iter().all(|f| f == "header"));
    let messages: Vec<&str> =
        problem["errors"].as_array().expect("errors").iter().filter_map(|e| e["message"].as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("unknown column 'mail'")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("'email' is missing")), "{messages:?}");
    assert_problem(app.import("", "").await, StatusCode::UNPROCESSABLE_ENTITY).await;

    let res = app.post_raw("/api/employees/import", &app.admin_token, "application/json", "[]").await;
    assert_problem(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let res = app.import("?encoding=latin1", "employee_id").await;
    assert_eq!(error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["encoding"]);
    let (euc_kr, _, _) = encoding_rs::EUC_KR
        .encode("employee_id,name,email,department,manager,admin\nK1,김,k@example.com,,,\n");
    let res = app.import("?encoding=utf-8", euc_kr.to_vec()).await;
    assert_eq!(error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["body"]);
    let huge = format!("employee_id,name,email,department,manager,admin\n{}", "x".repeat(1024 * 1024 + 1));
    assert_problem(app.import("", huge).await, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(app.get_json("/api/employees").await["total"], 0);
}

#[tokio::test]
async fn the_primary_reviewer_follows_the_department_tree_then_administrators() {
    let app = spawn_app().await;
    // HQ (ceo) > Security (no manager) > SOC (lead); Lab at the top without a manager.
    let hq = app.department("HQ", None).await;
    let security = app.department("Security", Some(hq)).await;
    let soc = app.department("SOC", Some(security)).await;
    let lab = app.department("Lab", None).await;
    app.employee("ceo", json!({"department_id": hq, "is_manager": true})).await;
    app.employee("lead", json!({"department_id": soc, "is_manager": true})).await;
    app.employee("analyst", json!({"department_id": soc})).await;
    app.employee("guard", json!({"department_id": security})).await;
    app.employee("chemist", json!({"department_id": lab})).await;
    app.employee("drifter", json!({})).await;

    for (violator, reviewer) in [("analyst", "lead"), ("lead", "ceo"), ("guard", "ceo")] {
        let got: Value = app.reviewer_of(violator).await.json().await.expect("json");
        assert_eq!(got["id"], reviewer, "{violator}");
    }
    // Nobody above the top manager, nor for the lab, nor without a department: no administrator yet.
    for violator in ["ceo", "chemist", "drifter"] {
        let problem = assert_problem(app.reviewer_of(violator).await, StatusCode::NOT_FOUND).await;
        assert!(problem["detail"].as_str().is_some_and(|d| d.contains("no primary reviewer")), "{problem}");
    }
    app.employee("adm-2", json!({"is_admin": true})).await;
    app.employee("adm-1", json!({"is_admin": true, "department_id": lab})).await;
    for (violator, reviewer) in
        [("ceo", "adm-1"), ("chemist", "adm-1"), ("drifter", "adm-1"), ("adm-1", "adm-2")]
    {
        let got: Value = app.reviewer_of(violator).await.json().await.expect("json");
        assert_eq!(got["id"], reviewer, "{violator}");
        assert_eq!(got["is_admin"], true);
    }
    assert_problem(app.reviewer_of("nobody").await, StatusCode::NOT_FOUND).await;
}

/// Every people operation with a valid body, and whether it only reads.
fn operations(soc: i64) -> Vec<(Method, String, Option<Value>, bool)> {
    vec![
        (Method::GET, "/api/departments".into(), None, true),
        (Method::GET, format!("/api/departments/{soc}"), None, true),
        (Method::GET, "/api/employees".into(), None, true),
        (Method::GET, "/api/employees/E1".into(), None, true),
        (Method::GET, "/api/employees/E2/primary-reviewer".into(), None, true),
        (Method::POST, "/api/departments".into(), Some(json!({"name": "New"})), false),
        (Method::PUT, format!("/api/departments/{soc}"), Some(json!({"name": "Renamed"})), false),
        (Method::DELETE, format!("/api/departments/{soc}"), None, false),
        (
            Method::POST,
            "/api/employees".into(),
            Some(json!({"id": "E9", "name": "N", "email": "n@example.com"})),
            false,
        ),
        (Method::PUT, "/api/employees/E1".into(), Some(json!({"name": "Renamed"})), false),
        (Method::DELETE, "/api/employees/E1".into(), None, false),
    ]
}

#[tokio::test]
async fn reading_people_needs_an_explanation_or_ticket_edit_permission_and_changing_them_admin() {
    let app = spawn_app().await;
    let soc = app.department("SOC", None).await;
    app.employee("E1", json!({"department_id": soc, "is_manager": true})).await;
    app.employee("E2", json!({"department_id": soc})).await;
    for perm in ["EXPLANATION_VIEW", "EXPLANATION_AUDIT", "TICKET_EDIT"] {
        let (_, token) = app.account_with(&perm.to_lowercase(), &[perm], &[]).await;
        for (method, path, body, read) in operations(soc) {
            let res = app.request(method.clone(), &path, Some(&token), body).await;
            if read {
                assert_eq!(res.status(), StatusCode::OK, "{perm}: {method} {path}");
            } else {
                let problem = assert_problem(res, StatusCode::FORBIDDEN).await;
                assert!(
                    problem["detail"].as_str().is_some_and(|d| d.contains("ADMIN")),
                    "{perm}: {method} {path}"
                );
            }
        }
        let res = app
            .post_raw(
                "/api/employees/import",
                &token,
                "text/csv",
                "employee_id,name,email,department,manager,admin\nE1,X,x@example.com,,,\n",
            )
            .await;
        assert_problem(res, StatusCode::FORBIDDEN).await;
    }
    let (_, viewer) = app.account_with("viewer", &["TICKET_VIEW"], &[]).await;
    for (method, path, body, _) in operations(soc) {
        let res = app.request(method.clone(), &path, Some(&viewer), body.clone()).await;
        let problem = assert_problem(res, StatusCode::FORBIDDEN).await;
        assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()), "{method} {path}");
        assert_eq!(
            app.request(method.clone(), &path, None, body).await.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
    }
    let problem = assert_problem(app.get("/api/employees", &viewer).await, StatusCode::FORBIDDEN).await;
    assert!(
        problem["detail"]
            .as_str()
            .is_some_and(|d| d.contains("EXPLANATION_VIEW, EXPLANATION_AUDIT, TICKET_EDIT"))
    );
    // Nothing changed.
    assert_eq!(app.get_json("/api/employees/E1").await["name"], "Employee E1");
    assert_eq!(app.get_json("/api/employees").await["total"], 2);
}

#[tokio::test]
async fn an_account_is_linked_to_at_most_one_existing_employee_and_back() {
    let app = spawn_app().await;
    app.employee("E1", json!({})).await;
    app.employee("E2", json!({})).await;
    let res = app
        .post(
            "/api/accounts",
            &app.admin_token,
            json!({"login": "kim", "password": PASSWORD, "employee_id": "E1"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let kim: Value = res.json().await.expect("json");
    assert_eq!(kim["employee_id"], "E1");
    let kim_id = kim["id"].as_i64().expect("id");
    let token = app.login_ok("kim", PASSWORD).await["access_token"].as_str().expect("token").to_owned();
    assert_eq!(app.get("/api/me", &token).await.json::<Value>().await.expect("json")["employee_id"], "E1");
    assert_eq!(app.get_json("/api/employees/E1").await["account_id"], kim_id);

    for (employee, reason) in [("E1", "already linked to account 'kim'"), ("E404", "does not exist")] {
        let res = app
            .post(
                "/api/accounts",
                &app.admin_token,
                json!({"login": "lee", "password": PASSWORD, "employee_id": employee}),
            )
            .await;
        let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(error_fields(&problem), ["employee_id"]);
        assert!(problem["errors"][0]["message"].as_str().is_some_and(|m| m.contains(reason)), "{problem}");
    }
    let (lee, _) = app.account_with("lee", &[], &[]).await;
    let res =
        app.patch(&format!("/api/accounts/{lee}"), &app.admin_token, json!({"employee_id": "E1"})).await;
    assert_eq!(error_fields(&assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY).await), ["employee_id"]);
    let res =
        app.patch(&format!("/api/accounts/{lee}"), &app.admin_token, json!({"employee_id": "E2"})).await;
    assert_eq!(res.json::<Value>().await.expect("json")["employee_id"], "E2");
    // Re-saving the same link is fine; `null` unlinks; other changes leave the link alone.
    let res =
        app.patch(&format!("/api/accounts/{kim_id}"), &app.admin_token, json!({"employee_id": "E1"})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res =
        app.patch(&format!("/api/accounts/{lee}"), &app.admin_token, json!({"display_name": "Lee"})).await;
    assert_eq!(res.json::<Value>().await.expect("json")["employee_id"], "E2");
    let res =
        app.patch(&format!("/api/accounts/{lee}"), &app.admin_token, json!({"employee_id": null})).await;
    assert_eq!(res.json::<Value>().await.expect("json")["employee_id"], Value::Null);
    assert_eq!(app.get_json("/api/employees/E2").await["account_id"], Value::Null);

    // Deleting the employee unlinks the account.
    assert_eq!(app.delete("/api/employees/E1", &app.admin_token).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get_json(&format!("/api/accounts/{kim_id}")).await["employee_id"], Value::Null);
}
