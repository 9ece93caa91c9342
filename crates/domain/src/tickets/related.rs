//! Related tickets: others sharing a source or destination IP or a host, or inside a CIDR.

use std::{collections::BTreeMap, net::IpAddr};

use ipnet::IpNet;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect};
use socdesk_types::tickets::{RelatedTicket, TicketSummary};

use crate::{
    Actor, DomainError, DomainResult,
    entities::ticket,
    tickets::{assemble::assemble_rows, scope::visible_tickets, service::separation_of_duties},
};

/// The most related tickets returned.
pub const MAX_RELATED: u64 = 50;
/// How many candidates a CIDR search examines.
const CIDR_CANDIDATES: u64 = 5_000;

/// Parses `10.0.0.0/24` (or a bare address, as a /32 or /128).
pub fn parse_cidr(raw: &str) -> DomainResult<IpNet> {
    let raw = raw.trim();
    raw.parse::<IpNet>()
        .or_else(|_| raw.parse::<IpAddr>().map(IpNet::from))
        .map(|n| n.trunc())
        .map_err(|_| DomainError::invalid("cidr", "must be a network like 10.0.0.0/24 or 2001:db8::/32"))
}

/// The textual prefix every address of `net` starts with (whole IPv4 octets only), to narrow the
/// candidates with an index-friendly `LIKE 'prefix%'`.
fn text_prefix(net: &IpNet) -> String {
    match net {
        IpNet::V4(v4) => {
            let octets = v4.network().octets();
            let whole = usize::from(v4.prefix_len() / 8);
            octets[..whole].iter().map(|o| format!("{o}.")).collect()
        }
        IpNet::V6(_) => String::new(),
    }
}

fn in_net(net: &IpNet, value: Option<&str>) -> bool {
    value.and_then(|v| v.parse::<IpAddr>().ok()).is_some_and(|ip| net.contains(&ip))
}

/// Tickets the actor may see that share the ticket's source IP, destination IP or host, plus,
/// with `cidr`, those whose source or destination lies in that network. Newest first.
pub async fn related(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    cidr: Option<&str>,
) -> DomainResult<Vec<RelatedTicket>> {
    let net = cidr.map(parse_cidr).transpose()?;
    let this = visible_tickets(actor)
        .filter(ticket::Column::Id.eq(id))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("ticket"))?;
    let mut reasons: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    let mut rows: BTreeMap<i64, ticket::Model> = BTreeMap::new();

    let ips: Vec<&str> = [this.src_ip.as_deref(), this.dst_ip.as_deref()].into_iter().flatten().collect();
    let mut any = Condition::any();
    for ip in &ips {
        any = any.add(ticket::Column::SrcIp.eq(*ip)).add(ticket::Column::DstIp.eq(*ip));
    }
    if let Some(host) = this.host.as_deref() {
        any = any.add(ticket::Column::Host.eq(host));
    }
    if !any.is_empty() {
        let found = visible_tickets(actor)
            .filter(ticket::Column::Id.ne(id))
            .filter(any)
            .order_by_desc(ticket::Column::Id)
            .limit(MAX_RELATED)
            .all(db)
            .await?;
        for m in found {
            let why = reasons.entry(m.id).or_default();
            for (label, value) in [("source_ip", &m.src_ip), ("destination_ip", &m.dst_ip)] {
                if value.as_deref().is_some_and(|v| ips.contains(&v)) {
                    why.push(format!("{label} {}", value.as_deref().unwrap_or_default()));
                }
            }
            if m.host.is_some() && m.host == this.host {
                why.push(format!("host {}", m.host.as_deref().unwrap_or_default()));
            }
            rows.insert(m.id, m);
        }
    }
    if let Some(net) = net {
        let prefix = format!("{}%", text_prefix(&net));
        let candidates = visible_tickets(actor)
            .filter(ticket::Column::Id.ne(id))
            .filter(
                Condition::any()
                    .add(ticket::Column::SrcIp.like(&prefix))
                    .add(ticket::Column::DstIp.like(&prefix)),
            )
            .order_by_desc(ticket::Column::Id)
            .limit(CIDR_CANDIDATES)
            .all(db)
            .await?;
        for m in candidates {
            if in_net(&net, m.src_ip.as_deref()) || in_net(&net, m.dst_ip.as_deref()) {
                reasons.entry(m.id).or_default().push(format!("cidr {net}"));
                rows.insert(m.id, m);
            }
        }
    }
    // Newest first: the map is ordered by id.
    let models: Vec<ticket::Model> = rows.into_values().rev().take(MAX_RELATED as usize).collect();
    let sod = separation_of_duties(db).await?;
    Ok(assemble_rows(db, actor, models, sod, false)
        .await?
        .into_iter()
        .map(|t| {
            let matched_on = reasons.remove(&t.id).unwrap_or_default();
            RelatedTicket { ticket: TicketSummary::from(t), matched_on }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_parse_and_normalise() {
        assert_eq!(parse_cidr("10.0.0.7/24").map(|n| n.to_string()).ok(), Some("10.0.0.0/24".into()));
        assert_eq!(parse_cidr("10.0.0.7").map(|n| n.to_string()).ok(), Some("10.0.0.7/32".into()));
        assert!(parse_cidr("2001:db8::/32").is_ok());
        assert!(parse_cidr("10.0.0.0/33").is_err());
        assert!(parse_cidr("evil' OR 1=1").is_err());
    }

    #[test]
    fn prefixes_cover_whole_octets_only() {
        let net = |s: &str| parse_cidr(s).unwrap_or_else(|_| IpNet::default());
        assert_eq!(text_prefix(&net("10.1.2.0/24")), "10.1.2.");
        assert_eq!(text_prefix(&net("10.1.0.0/20")), "10.1.");
        assert_eq!(text_prefix(&net("0.0.0.0/0")), "");
        assert!(in_net(&net("10.1.0.0/20"), Some("10.1.15.9")));
        assert!(!in_net(&net("10.1.0.0/20"), Some("10.1.16.1")));
        assert!(!in_net(&net("10.1.0.0/20"), Some("not-an-ip")));
    }
}
