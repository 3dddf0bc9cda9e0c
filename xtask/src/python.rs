//! Python renderers: the TypedDicts of `models.py` and the endpoint methods of `__init__.pyi`.
//!
//! A model whose keys are all optional is a `TypedDict` with `total=False`; one with some
//! required keys gets a private base class holding those (`_StockRequired`) and the public class
//! adds the optional ones with `total=False` (the Python 3.9 spelling of `NotRequired`, with no
//! runtime dependency on `typing_extensions`). A nullable field is `Optional[...]`. An open enum
//! is an alias `Union[Literal[known…], str]`: the known values are named, any other string is
//! still accepted, as the core reads it.

use std::fmt::Write;

use crate::model::{Catalogue, Field, Model, Ty};

fn ty(t: &Ty) -> String {
    match t {
        Ty::Str => "str".into(),
        Ty::Int => "int".into(),
        Ty::Float => "float".into(),
        Ty::Bool => "bool".into(),
        Ty::Any => "Any".into(),
        Ty::Ref(name) => name.clone(),
        Ty::List(inner) => format!("List[{}]", ty(inner)),
        Ty::Map(inner) => format!("Dict[str, {}]", ty(inner)),
    }
}

fn field_ty(f: &Field) -> String {
    if f.nullable {
        format!("Optional[{}]", ty(&f.ty))
    } else {
        ty(&f.ty)
    }
}

/// The first paragraph of a Rust doc comment, as one line safe inside a `"""` string.
pub fn summary(doc: &str) -> String {
    let para = doc.split("\n\n").next().unwrap_or_default();
    para.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("\\[", "[")
        .replace("\\]", "]")
        .replace('\\', "\\\\")
        .replace("\"\"\"", "\\\"\\\"\\\"")
}

fn docstring(out: &mut String, doc: Option<&String>) {
    if let Some(d) = doc {
        let s = summary(d);
        if !s.is_empty() {
            let _ = writeln!(out, "    \"\"\"{s}\"\"\"\n");
        }
    }
}

/// The generated block of `models.py`: enum aliases first, then the TypedDicts, sorted by name.
pub fn models_block(c: &Catalogue) -> String {
    let mut out = String::new();
    for (name, model) in &c.models {
        if let Model::Enum { doc, known } = model {
            if let Some(d) = doc {
                let _ = writeln!(out, "#: {}", summary(d));
            }
            let values: Vec<String> = known.iter().map(|k| format!("{k:?}")).collect();
            let _ = writeln!(out, "{name} = Union[Literal[{}], str]\n", values.join(", "));
        }
    }
    for (name, model) in &c.models {
        let Model::Struct { doc, fields } = model else {
            continue;
        };
        let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
        let optional: Vec<&Field> = fields.iter().filter(|f| !f.required).collect();
        let body = |out: &mut String, fs: &[&Field]| {
            for f in fs {
                let _ = writeln!(out, "    {}: {}", f.name, field_ty(f));
            }
        };
        out.push('\n');
        if required.is_empty() {
            let _ = writeln!(out, "class {name}(TypedDict, total=False):");
            docstring(&mut out, doc.as_ref());
            body(&mut out, &optional);
        } else if optional.is_empty() {
            let _ = writeln!(out, "class {name}(TypedDict):");
            docstring(&mut out, doc.as_ref());
            body(&mut out, &required);
        } else {
            let _ = writeln!(out, "class _{name}Required(TypedDict):");
            body(&mut out, &required);
            let _ = writeln!(out, "\n\nclass {name}(_{name}Required, total=False):");
            docstring(&mut out, doc.as_ref());
            body(&mut out, &optional);
        }
        out.push('\n');
    }
    out
}

/// The generated block of `Client` in `__init__.pyi`: one build method and one parse method per
/// JSON operation, in table order (the multipart image upload keeps its hand-written signature).
pub fn endpoints_block(c: &Catalogue) -> String {
    let mut out = String::new();
    for op in c.operations.iter().filter(|o| !o.multipart) {
        let _ = writeln!(out, "    def {}(", op.name);
        let _ = writeln!(
            out,
            "        self, params: Optional[{}] = None, *, validation: Any = None, **fields: Any",
            op.request_type
        );
        let _ = writeln!(out, "    ) -> Request:");
        let _ = writeln!(out, "        \"\"\"{} {} — {}.\"\"\"", op.method, op.path, op.title);
        let _ = writeln!(
            out,
            "    def parse_{}(self, status: int, headers: HeadersLike, body: BodyLike) -> {}: ...",
            op.name, op.response_type
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalogue;

    #[test]
    fn docstrings_lose_rustdoc_escapes_and_keep_one_paragraph() {
        assert_eq!(summary("Listed by \\[IM\\] only.\n\nMore."), "Listed by [IM] only.");
        assert_eq!(summary("a\\b \"\"\" c"), "a\\\\b \\\"\\\"\\\" c");
    }

    #[test]
    fn required_keys_go_to_a_private_base_and_enums_stay_open() -> Result<(), String> {
        let text = models_block(&catalogue()?);
        assert!(text.contains("StockStatus = Union[Literal[\"unactivated\", "));
        assert!(text.contains("class _StockRequired(TypedDict):\n    available_begin_time: str\n"));
        assert!(text.contains("class Stock(_StockRequired, total=False):"));
        assert!(text.contains("class CreateStockRequest(TypedDict, total=False):"));
        Ok(())
    }

    #[test]
    fn endpoint_stubs_follow_the_operation_table() -> Result<(), String> {
        let c = catalogue()?;
        let text = endpoints_block(&c);
        assert!(text.contains(
            "    def parse_get_stock(self, status: int, headers: HeadersLike, body: BodyLike) -> Stock: ..."
        ));
        assert!(!text.contains("upload_image"));
        assert_eq!(
            text.matches("    def parse_").count(),
            c.operations.iter().filter(|o| !o.multipart).count()
        );
        Ok(())
    }
}
