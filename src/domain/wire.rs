//! Enumerations whose values travel as fixed strings: stored in the
//! database and written to the API exactly as clients expect them.

/// A value that is not one of an enumeration's wire strings, reported with
/// the name of the field it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {value:?} is not a valid value; expected one of {expected}")]
pub struct InvalidValue {
    pub field: &'static str,
    pub value: String,
    pub expected: String,
}

/// Lists `values` as `"A", "B" or "C"` for error messages.
pub fn describe_choices(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|value| format!("{value:?}")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Declares an enum with one wire string per variant. It gets `ALL`,
/// `as_str`, `parse` (the exact string, ignoring ASCII case and surrounding
/// spaces), `parse_field` (the same, with an error naming the field),
/// `Display` and a `Serialize` that writes the wire string.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident => $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant ),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $wire ),+
                }
            }

            pub fn parse(text: &str) -> Option<$name> {
                let text = text.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str().eq_ignore_ascii_case(text))
            }

            pub fn parse_field(
                field: &'static str,
                text: &str,
            ) -> Result<$name, $crate::domain::wire::InvalidValue> {
                Self::parse(text).ok_or_else(|| $crate::domain::wire::InvalidValue {
                    field,
                    value: text.to_owned(),
                    expected: $crate::domain::wire::describe_choices(
                        &Self::ALL.iter().map(|value| value.as_str()).collect::<Vec<_>>(),
                    ),
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

pub(crate) use wire_enum;

#[cfg(test)]
mod tests {
    use super::*;

    wire_enum! {
        pub enum Sample {
            First => "First",
            SecondOne => "Second One",
        }
    }

    #[test]
    fn wire_strings_round_trip() {
        for value in Sample::ALL {
            assert_eq!(Sample::parse(value.as_str()), Some(*value));
            assert_eq!(value.to_string(), value.as_str());
        }
        assert_eq!(Sample::parse(" second one "), Some(Sample::SecondOne));
    }

    #[test]
    fn invalid_value_names_field_and_choices() {
        let err = Sample::parse_field("kind", "Third").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"kind: "Third" is not a valid value; expected one of "First" or "Second One""#
        );
    }

    #[test]
    fn choices_are_listed_with_or() {
        assert_eq!(describe_choices(&["A"]), r#""A""#);
        assert_eq!(describe_choices(&["A", "B", "C"]), r#""A", "B" or "C""#);
    }
}
