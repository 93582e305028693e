"""Hostile strings: SQL, FTS, Jinja, Python, shell, format and markup injections, and awkward Unicode.

The spec mutator puts them in every text field of a spec; the hostile requests store them through a create
tool and expect to read them back verbatim. None of them may do anything but be text.
"""

from __future__ import annotations

INJECTIONS: tuple[str, ...] = (
    # SQL, as values and as identifiers
    "'; DROP TABLE task; --",
    "Robert'); DROP TABLE students;--",
    '" OR "1"="1',
    "1 OR 1=1",
    "x' UNION SELECT sql, name, 1 FROM sqlite_master --",
    "%' AND 1=1 AND '%'='",
    "'||(SELECT version())||'",
    "$1; SELECT pg_sleep(10); --",
    "_%\\%\\_",
    '`id`; "order"; [group]',
    # SQLite FTS5 query syntax
    'title:"x" OR notes:* NEAR(a b, 1)',
    '"unbalanced quote',
    "a AND OR NOT ( ) * ^ - + :",
    # Jinja and Python
    "{{ 7 * 7 }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% for i in range(10**9) %}x{% endfor %}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{# unclosed comment",
    "{% raw %}{{ x }}{% endraw %}",
    "__import__('os').system('id')",
    "eval(compile('1', '<x>', 'eval'))",
    "%s %d %(name)s {0} {name!r} {{}}",
    # shell and environment
    "$(id) `id` ; rm -rf / &&",
    "${HOME} ${PATH:-x} $${KANBAN_DB}",
    # markup and JSON
    "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "]]></x><!-- -->&amp;&lt;",
    '{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}',
    "\\u0000 \\ud800 \\\\ \\n",
    # Unicode and control characters
    "line one\r\nline two\ttab\x0bvt\x0cff",
    "\u202eevil\u202c \u200b\u200d\ufeff",
    "e\u0301\u0301\u0301 \U0001f600\U0001f469\u200d\U0001f4bb",
    "\u0000nul in the middle\u0000",
    "\x7f\x1b[31mred\x1b[0m",
    "Ω≈ç√∫˜µ≤≥÷ 田中さん 𝕿𝖊𝖘𝖙",  # noqa: RUF001 -- look-alike letters on purpose
    " ",
    "-",
    "null",
    "true",
    "0",
)
