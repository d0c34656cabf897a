//! What the GIFT and Aiken parsers produce, and how an imported question
//! becomes a bank [`Question`] once its level, topic and module are known.

use crate::level::Level;

use super::question::{is_valid_id, shape_problems, Origin, Problem, Question, QuestionKind};

/// Bank fields an import file may carry for a question (GIFT:
/// `// [id:...]` and `// pacs-academy: level=... topic=... module=...`
/// comments), or the command line may give for all of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportMeta {
    pub id: Option<String>,
    pub level: Option<Level>,
    pub topic: Option<String>,
    pub module: Option<String>,
    pub retired: bool,
}

/// A question as read from an import file, before it has bank fields.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedQuestion {
    /// First line of the question in its file.
    pub line: usize,
    /// The GIFT `::title::`, if any.
    pub title: Option<String>,
    pub kind: QuestionKind,
    pub stem_md: String,
    pub options: Vec<String>,
    pub key: Vec<usize>,
    pub explanation_md: String,
    pub meta: ImportMeta,
}

/// The result of parsing one import file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    pub questions: Vec<ImportedQuestion>,
    /// Questions that could not be read (unsupported types, malformed lines).
    pub problems: Vec<Problem>,
    /// Things read but changed or dropped on the way (per-answer feedback,
    /// partial credit), which do not stop the import.
    pub warnings: Vec<Problem>,
}

/// The imported questions as bank questions, and the problems of those that
/// cannot be (missing level or module link, bad shape). `overrides` (from
/// the command line) win over what the file says; the level and topic
/// default to those in the module link. Ids come from the file (`[id:...]`,
/// or a `::title::` that is a valid id), else `<topic>-import-NNN`.
pub fn into_questions(
    file: &str,
    parsed: &Parsed,
    overrides: &ImportMeta,
) -> (Vec<Question>, Vec<Problem>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (n, iq) in parsed.questions.iter().enumerate() {
        let fail = |m: String| Problem::new(file, iq.line, m);
        let module = overrides.module.clone().or_else(|| iq.meta.module.clone());
        let link_parts = module.as_deref().and_then(|m| {
            let path = m.split('#').next().unwrap_or("");
            let mut parts = path.strip_prefix('/')?.split('/');
            let level = parts.next().and_then(Level::from_slug)?;
            let slug = parts.next()?.to_string();
            Some((level, slug))
        });
        let level = overrides
            .level
            .or(iq.meta.level)
            .or(link_parts.as_ref().map(|(l, _)| *l));
        let topic = overrides
            .topic
            .clone()
            .or_else(|| iq.meta.topic.clone())
            .or_else(|| link_parts.as_ref().map(|(_, s)| s.clone()));
        let (Some(level), Some(topic), Some(module)) = (level, topic, module) else {
            problems.push(fail(
                "no module link for this question: pass --module /<level>/<slug>#<heading> (and --level, --topic if they differ)".into(),
            ));
            continue;
        };
        let id = iq
            .meta
            .id
            .clone()
            .or_else(|| iq.title.clone().filter(|t| is_valid_id(t)))
            .unwrap_or_else(|| format!("{topic}-import-{:03}", n + 1));
        let q = Question {
            id,
            level,
            topic,
            kind: iq.kind,
            stem_md: iq.stem_md.clone(),
            options: iq.options.clone(),
            key: iq.key.clone(),
            explanation_md: iq.explanation_md.clone(),
            module,
            retired: iq.meta.retired || overrides.retired,
            origin: Origin {
                file: file.to_string(),
                line: iq.line,
                ..Origin::default()
            },
        };
        let mut shape: Vec<String> = shape_problems(&q, false)
            .into_iter()
            .map(|(_, m)| m)
            .collect();
        if out.iter().any(|o: &Question| o.id == q.id) {
            shape.push(format!("duplicate id `{}` in this file", q.id));
        }
        if shape.is_empty() {
            out.push(q);
        } else {
            problems.extend(shape.into_iter().map(fail));
        }
    }
    (out, problems)
}

/// Parses the `key=value` words of a `// pacs-academy:` comment into `meta`.
pub(crate) fn parse_meta_words(words: &str, meta: &mut ImportMeta) -> Result<(), String> {
    for word in words.split_whitespace() {
        let Some((k, v)) = word.split_once('=') else {
            return Err(format!(
                "`{word}` in a pacs-academy comment is not key=value"
            ));
        };
        match k {
            "id" => meta.id = Some(v.to_string()),
            "level" => {
                meta.level = Some(Level::from_slug(v).ok_or_else(|| {
                    format!("level `{v}` must be foundation or intermediate")
                })?)
            }
            "topic" => meta.topic = Some(v.to_string()),
            "module" => meta.module = Some(v.to_string()),
            "retired" => {
                meta.retired = match v {
                    "true" => true,
                    "false" => false,
                    _ => return Err(format!("retired=`{v}` must be true or false")),
                }
            }
            _ => {
                return Err(format!(
                    "unknown key `{k}` in a pacs-academy comment (use id, level, topic, module, retired)"
                ))
            }
        }
    }
    Ok(())
}

/// The text of an import file without a byte order mark and with every
/// line break as `\n`: Windows `\r\n` and old Mac `\r` alike, so no `\r`
/// reaches a question (GIFT export would not keep it).
pub(crate) fn normalise_source(source: &str) -> std::borrow::Cow<'_, str> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    if source.contains('\r') {
        std::borrow::Cow::Owned(source.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imported(meta: ImportMeta) -> ImportedQuestion {
        ImportedQuestion {
            line: 3,
            title: Some("Q1".into()),
            kind: QuestionKind::Single,
            stem_md: "Which?".into(),
            options: vec!["One".into(), "Two".into()],
            key: vec![1],
            explanation_md: String::new(),
            meta,
        }
    }

    #[test]
    fn the_module_link_supplies_level_and_topic() {
        let parsed = Parsed {
            questions: vec![imported(ImportMeta::default())],
            ..Parsed::default()
        };
        let over = ImportMeta {
            module: Some("/intermediate/dicomweb#qido-rs".into()),
            ..ImportMeta::default()
        };
        let (qs, p) = into_questions("f.gift", &parsed, &over);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(qs[0].level, Level::Intermediate);
        assert_eq!(qs[0].topic, "dicomweb");
        assert_eq!(qs[0].id, "dicomweb-import-001", "`Q1` is not a valid id");
    }

    #[test]
    fn overrides_beat_the_file_and_missing_links_are_problems() {
        let meta = ImportMeta {
            id: Some("x-1".into()),
            level: Some(Level::Foundation),
            topic: Some("a".into()),
            module: Some("/foundation/a#h".into()),
            retired: false,
        };
        let parsed = Parsed {
            questions: vec![imported(meta), imported(ImportMeta::default())],
            ..Parsed::default()
        };
        let over = ImportMeta {
            topic: Some("b".into()),
            ..ImportMeta::default()
        };
        let (qs, p) = into_questions("f.gift", &parsed, &over);
        assert_eq!(qs.len(), 1);
        assert_eq!((qs[0].id.as_str(), qs[0].topic.as_str()), ("x-1", "b"));
        assert_eq!(p.len(), 1);
        assert!(
            p[0].to_string().starts_with("f.gift:3: no module link"),
            "{}",
            p[0]
        );
    }

    #[test]
    fn meta_words_parse_and_fail_clearly() {
        let mut m = ImportMeta::default();
        assert!(parse_meta_words("level=intermediate topic=dicomweb retired=true", &mut m).is_ok());
        assert_eq!(m.level, Some(Level::Intermediate));
        assert!(m.retired);
        assert!(parse_meta_words("level=advanced", &mut m).is_err());
        assert!(parse_meta_words("colour=blue", &mut m).is_err());
        assert!(parse_meta_words("topic", &mut m).is_err());
    }
}
