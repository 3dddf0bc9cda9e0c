//! Which methods each API path answers: the coupon operation table (`favor::ops::OPERATIONS`)
//! plus the certificate and bill download paths. A known path asked with another method gets
//! WeChat Pay's answer, `405` with an empty body (apiv3-rules §g), before any signature check.

use wechatpay_coupons::favor::ops::OPERATIONS;

/// The API paths outside the coupon operation table.
const OTHER_ROUTES: [(&str, &str); 2] = [("GET", "/v3/certificates"), ("GET", "/v3/billdownload/file")];

/// Whether `path` fits `template` (`{name}` stands for one non-empty segment).
fn fits(template: &str, path: &str) -> bool {
    let mut t = template.split('/');
    let mut p = path.split('/');
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(ts), Some(ps)) => {
                let ok = if ts.starts_with('{') && ts.ends_with('}') {
                    !ps.is_empty()
                } else {
                    ts == ps
                };
                if !ok {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// The methods `path` (no query) answers, sorted; empty when no route has this path.
pub fn allowed_methods(path: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = OPERATIONS
        .iter()
        .filter(|o| fits(o.path, path))
        .map(|o| o.method.as_str())
        .chain(OTHER_ROUTES.iter().filter(|(_, p)| *p == path).map(|(m, _)| *m))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_lists_the_methods_of_its_operations() {
        assert_eq!(allowed_methods("/v3/marketing/favor/stocks/9856000"), ["GET"]);
        assert_eq!(allowed_methods("/v3/marketing/favor/stocks/9856000/start"), ["POST"]);
        assert_eq!(allowed_methods("/v3/marketing/favor/users/o1/coupons"), ["GET", "POST"]);
        assert_eq!(allowed_methods("/v3/marketing/favor/callbacks"), ["GET", "POST"]);
        assert_eq!(allowed_methods("/v3/certificates"), ["GET"]);
        assert_eq!(allowed_methods("/v3/billdownload/file"), ["GET"]);
    }

    #[test]
    fn unknown_paths_and_empty_segments_have_no_route() {
        assert!(allowed_methods("/v3/marketing/favor/stocks/9856000/explode").is_empty());
        assert!(allowed_methods("/v3/marketing/favor/stocks//start").is_empty());
        assert!(allowed_methods("/v3/marketing/favor/stocks/9856000/").is_empty());
        assert!(allowed_methods("/v3/nothing").is_empty());
    }
}
