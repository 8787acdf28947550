//! Page links of the console's listings. Every listing shows 50 rows a page
//! and reads the page number from `page` in the query string. A missing,
//! malformed or non-positive number reads as page 1, and a number past the
//! end shows the last page, so a stale bookmark still lands on data.

use super::display;
use crate::i18n::Texts;

pub const ROWS_PER_PAGE: i64 = 50;

/// How many page links are shown on each side of the current page, besides
/// the first and the last.
const NEIGHBOUR_LINKS: i64 = 2;

/// A 1-based page number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNumber(i64);

impl PageNumber {
    pub const FIRST: PageNumber = PageNumber(1);

    /// Reads `page` from a raw query string. A second `?` is read as `&`,
    /// as the User API does, and the last `page` wins.
    pub fn from_query(query: &str) -> PageNumber {
        let query = query.replace('?', "&");
        url::form_urlencoded::parse(query.as_bytes())
            .filter(|(key, _)| key == "page")
            .last()
            .and_then(|(_, value)| value.trim().parse::<i64>().ok())
            .filter(|number| *number >= 1)
            .map(PageNumber)
            .unwrap_or(PageNumber::FIRST)
    }

    pub fn get(self) -> i64 {
        self.0
    }

    fn offset(self) -> i64 {
        (self.0 - 1).saturating_mul(ROWS_PER_PAGE)
    }
}

/// Returns the number of the last page for `total` rows. An empty listing
/// has one empty page.
fn last_page(total: i64) -> i64 {
    ((total + ROWS_PER_PAGE - 1) / ROWS_PER_PAGE).max(1)
}

/// One page of rows, the total they belong to and the page actually shown.
pub struct Loaded<T> {
    pub rows: Vec<T>,
    pub total: i64,
    pub page: PageNumber,
}

/// Loads the page `requested` with `load(offset, limit)`, which returns the
/// page's rows and the total. A page past the end is replaced by the last.
pub fn load<T, E>(
    requested: PageNumber,
    mut load: impl FnMut(i64, i64) -> Result<(Vec<T>, i64), E>,
) -> Result<Loaded<T>, E> {
    let (rows, total) = load(requested.offset(), ROWS_PER_PAGE)?;
    let last = PageNumber(last_page(total));
    if requested.0 <= last.0 {
        return Ok(Loaded {
            rows,
            total,
            page: requested,
        });
    }
    if total == 0 {
        return Ok(Loaded {
            rows,
            total,
            page: PageNumber::FIRST,
        });
    }
    let (rows, total) = load(last.offset(), ROWS_PER_PAGE)?;
    Ok(Loaded {
        rows,
        total,
        page: last,
    })
}

/// One entry of the page links: the current page (no `href`), another page,
/// or a gap (neither `href` nor `current`).
pub struct PageLink {
    pub label: String,
    pub href: Option<String>,
    pub current: bool,
}

/// The summary and page links under a listing.
pub struct Pager {
    /// "Page 2 of 21".
    pub position: String,
    /// "1,051 devices".
    pub total: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// Empty when everything fits on one page.
    pub links: Vec<PageLink>,
}

impl Pager {
    /// Builds the links of page `page` out of `total` rows. `href_prefix`
    /// is the address that the page number completes, such as
    /// `/devices?page=`. `count_forms` names the rows (see [`display::count`]).
    pub fn new(
        t: &Texts,
        page: PageNumber,
        total: i64,
        count_forms: [&'static str; 2],
        href_prefix: &str,
    ) -> Pager {
        let current = page.0;
        let last = last_page(total);
        let href = |number: i64| format!("{href_prefix}{number}");
        let mut links = Vec::new();
        if last > 1 {
            let mut previous_shown = 0;
            for number in 1..=last {
                let near = (number - current).abs() <= NEIGHBOUR_LINKS;
                if number != 1 && number != last && !near {
                    continue;
                }
                if number > previous_shown + 1 {
                    links.push(PageLink {
                        label: "…".to_owned(),
                        href: None,
                        current: false,
                    });
                }
                links.push(PageLink {
                    label: display::number(t, number),
                    href: (number != current).then(|| href(number)),
                    current: number == current,
                });
                previous_shown = number;
            }
        }
        Pager {
            position: t
                .page_of
                .replace("{current}", &display::number(t, current))
                .replace("{last}", &display::number(t, last)),
            total: display::count(t, count_forms, total),
            previous: (current > 1).then(|| href(current - 1)),
            next: (current < last).then(|| href(current + 1)),
            links,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::EN;

    #[test]
    fn junk_page_numbers_read_as_first_page() {
        for query in [
            "",
            "page=",
            "page=abc",
            "page=0",
            "page=-3",
            "page=1.5",
            "page=99999999999999999999",
            "page1",
        ] {
            assert_eq!(PageNumber::from_query(query), PageNumber::FIRST, "{query}");
        }
        assert_eq!(PageNumber::from_query("page=3").get(), 3);
        assert_eq!(PageNumber::from_query("list=safe&page=%202").get(), 2);
        assert_eq!(PageNumber::from_query("x=1?page=4").get(), 4);
    }

    #[test]
    fn page_past_the_end_loads_the_last_page() {
        let rows: Vec<i64> = (0..120).collect();
        let slice = |offset: i64, limit: i64| {
            let page: Vec<i64> = rows
                .iter()
                .copied()
                .skip(offset as usize)
                .take(limit as usize)
                .collect();
            Ok::<_, ()>((page, rows.len() as i64))
        };
        let loaded = load(PageNumber(9), slice).unwrap();
        assert_eq!(loaded.page.get(), 3);
        assert_eq!(loaded.rows, (100..120).collect::<Vec<_>>());

        let loaded = load(PageNumber(i64::MAX), slice).unwrap();
        assert_eq!(loaded.page.get(), 3);

        let empty = load(PageNumber(5), |_, _| Ok::<_, ()>((Vec::<i64>::new(), 0))).unwrap();
        assert_eq!(empty.page, PageNumber::FIRST);
    }

    #[test]
    fn pager_shows_ends_neighbours_and_gaps() {
        let pager = Pager::new(&EN, PageNumber(10), 1_000, EN.count_devices, "/d?page=");
        let labels: Vec<&str> = pager.links.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["1", "…", "8", "9", "10", "11", "12", "…", "20"]);
        assert_eq!(pager.position, "Page 10 of 20");
        assert_eq!(pager.total, "1,000 devices");
        assert_eq!(pager.previous.as_deref(), Some("/d?page=9"));
        assert_eq!(pager.next.as_deref(), Some("/d?page=11"));
        let current = pager.links.iter().find(|l| l.current).unwrap();
        assert_eq!(current.href, None);

        let single = Pager::new(&EN, PageNumber::FIRST, 50, EN.count_devices, "/d?page=");
        assert!(single.links.is_empty());
        assert_eq!(single.previous, None);
        assert_eq!(single.next, None);
    }
}
