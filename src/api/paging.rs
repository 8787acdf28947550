//! Page parameters and the paginated envelope. Parsing is tolerant, because
//! clients in the field send `pageNumber`/`pageSize`, a second `?` instead of
//! `&`, or a `page` that is not a number.

use actix_web::HttpRequest;
use serde::Serialize;

use super::error::ApiError;

/// Default and maximum page sizes of one listing endpoint.
#[derive(Debug, Clone, Copy)]
pub struct PageLimits {
    pub default_size: i64,
    pub max_size: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub number: i64,
    pub size: i64,
}

impl PageRequest {
    pub fn offset(self) -> i64 {
        (self.number - 1).saturating_mul(self.size)
    }

    pub fn from_request(req: &HttpRequest, limits: PageLimits) -> Result<PageRequest, ApiError> {
        Self::parse(req.query_string(), limits)
    }

    pub fn parse(query: &str, limits: PageLimits) -> Result<PageRequest, ApiError> {
        let query = query.replace('?', "&");
        let mut number = None;
        let mut size_text = None;
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match key.to_ascii_lowercase().as_str() {
                "page" | "pagenumber" => number = Some(value.into_owned()),
                "page_size" | "pagesize" => size_text = Some(value.into_owned()),
                _ => {}
            }
        }
        let number = number
            .and_then(|text| text.trim().parse::<i64>().ok())
            .filter(|n| *n >= 1)
            .unwrap_or(1);
        let size = match size_text.map(|text| parse_size(&text)) {
            None | Some(Err(())) => limits.default_size,
            Some(Ok(size)) if size < 1 || size > limits.max_size => {
                return Err(ApiError::BadRequest(format!(
                    "The page size requested is not supported. page_size must be between 1 and {}.",
                    limits.max_size
                )));
            }
            Some(Ok(size)) => size,
        };
        Ok(PageRequest { number, size })
    }
}

/// Reads a page size. A number too large for i64 reads as i64::MAX, so it
/// gets the "not supported" answer like any other oversize request rather
/// than quietly becoming the default.
fn parse_size(text: &str) -> Result<i64, ()> {
    let text = text.trim();
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    Ok(text.parse::<i64>().unwrap_or(if text.starts_with('-') {
        i64::MIN
    } else {
        i64::MAX
    }))
}

#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub page_number: i64,
    pub page_size: i64,
    pub total_pages: i64,
    pub total_number_of_items: i64,
    pub page_items: Vec<T>,
}

impl<T> Page<T> {
    pub fn new(request: PageRequest, total: i64, items: Vec<T>) -> Page<T> {
        Page {
            page_number: request.number,
            page_size: request.size,
            total_pages: (total + request.size - 1) / request.size,
            total_number_of_items: total,
            page_items: items,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: PageLimits = PageLimits {
        default_size: 10,
        max_size: 200,
    };

    #[test]
    fn second_question_mark_is_tolerated() {
        let page = PageRequest::parse("page=2?page_size=20", LIMITS).unwrap();
        assert_eq!(
            page,
            PageRequest {
                number: 2,
                size: 20
            }
        );
    }

    #[test]
    fn camel_case_aliases_are_read() {
        let page = PageRequest::parse("pageNumber=3&pageSize=50", LIMITS).unwrap();
        assert_eq!(
            page,
            PageRequest {
                number: 3,
                size: 50
            }
        );
    }

    #[test]
    fn unparseable_page_falls_back_to_first() {
        let page = PageRequest::parse("page1&page_size=100", LIMITS).unwrap();
        assert_eq!(
            page,
            PageRequest {
                number: 1,
                size: 100
            }
        );
    }

    #[test]
    fn zero_and_oversize_page_sizes_are_rejected() {
        for query in [
            "page_size=0",
            "page_size=201",
            "page_size=-5",
            "page_size=99999999999999999999",
        ] {
            let err = PageRequest::parse(query, LIMITS).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("The page size requested is not supported."),
                "{query}: {err}"
            );
        }
    }
}
