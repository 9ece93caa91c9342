//! The department tree as rows: each department after its parent, indented by depth, with its
//! path from the top (`HQ/Security/SOC`, the form the CSV import takes).

use std::collections::{BTreeMap, HashSet};

use socdesk_types::people::Department;

/// A department in tree order.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeRow {
    pub department: Department,
    /// 0 for a top-level department.
    pub depth: usize,
    /// Names from the top, joined with `/`.
    pub path: String,
}

/// The departments in tree order: each parent before its children, siblings by name. A
/// department whose parent is missing shows at the top level; nothing is ever dropped, even if
/// the data held a cycle.
pub fn tree(departments: &[Department]) -> Vec<TreeRow> {
    let ids: HashSet<i64> = departments.iter().map(|d| d.id).collect();
    let mut children: BTreeMap<Option<i64>, Vec<&Department>> = BTreeMap::new();
    for d in departments {
        let parent = d.parent_id.filter(|p| ids.contains(p) && *p != d.id);
        children.entry(parent).or_default().push(d);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
    }
    let mut out = Vec::with_capacity(departments.len());
    let mut seen = HashSet::new();
    fn walk(
        parent: Option<i64>,
        depth: usize,
        prefix: &str,
        children: &BTreeMap<Option<i64>, Vec<&Department>>,
        seen: &mut HashSet<i64>,
        out: &mut Vec<TreeRow>,
    ) {
        for d in children.get(&parent).into_iter().flatten() {
            if !seen.insert(d.id) {
                continue;
            }
            let path = if prefix.is_empty() { d.name.clone() } else { format!("{prefix}/{}", d.name) };
            out.push(TreeRow { department: (*d).clone(), depth, path: path.clone() });
            walk(Some(d.id), depth + 1, &path, children, seen, out);
        }
    }
    walk(None, 0, "", &children, &mut seen, &mut out);
    // Only a cycle leaves departments unreached: show them at the top rather than lose them.
    for d in departments {
        if seen.insert(d.id) {
            out.push(TreeRow { department: d.clone(), depth: 0, path: d.name.clone() });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn dept(id: i64, name: &str, parent_id: Option<i64>) -> Department {
        Department {
            id,
            name: name.into(),
            parent_id,
            manager_id: None,
            manager_name: None,
            created_at: Utc::now(),
            modified_at: Utc::now(),
        }
    }

    fn shape(rows: &[TreeRow]) -> Vec<(usize, &str)> {
        rows.iter().map(|r| (r.depth, r.path.as_str())).collect()
    }

    #[test]
    fn children_follow_their_parent_and_siblings_go_by_name() {
        let rows = tree(&[
            dept(4, "SOC", Some(2)),
            dept(1, "HQ", None),
            dept(2, "Security", Some(1)),
            dept(3, "audit", Some(1)),
            dept(5, "Branch", None),
        ]);
        assert_eq!(
            shape(&rows),
            [(0, "Branch"), (0, "HQ"), (1, "HQ/audit"), (1, "HQ/Security"), (2, "HQ/Security/SOC")]
        );
    }

    #[test]
    fn orphans_and_cycles_are_shown_not_dropped() {
        let rows = tree(&[dept(1, "Lost", Some(99)), dept(2, "A", Some(3)), dept(3, "B", Some(2))]);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].path, "Lost");
        assert!(rows.iter().all(|r| r.depth == 0));
    }
}
