#!/usr/bin/python3
"""The BODYSTRUCTURE reference check (issue 5): a generated MIME corpus whose BODYSTRUCTURE,
as ringmail writes it, must match what Python's `email` package reads from the same bytes,
field by field.

  bodystructure_corpus.py generate DIR   writes DIR/NNN.eml (about 100 varied messages)
  bodystructure_corpus.py compare DIR    reads DIR/NNN.bs (ringmail's BODYSTRUCTURE of each,
                                         written by tests/imap/bodystructure_reference_test.cc)
                                         and compares; prints every difference, exits 1 if any

Fields compared per part: type, subtype, parameters, id, description, encoding, size and lines
(leaf parts), the encapsulated message's subject and structure (message/rfc822), md5,
disposition with its parameters, language, location; for multiparts the subtype, parameters,
disposition, language and location.

Intentional differences, handled here rather than reported:
- A multipart whose boundary is missing: Python keeps its body as text; IMAP's grammar needs a
  part, so ringmail shows one empty text/plain part (docs/mime.md).
- message/rfc822 size and lines: Python does not keep an encapsulated message's bytes (it
  re-serializes them), so those two numbers are not compared here (the C++ unit tests cover
  them).
- A part without Content-Type (outside a digest) shows ringmail's explicit default parameter
  (CHARSET us-ascii), RFC 2045 §5.2; Python reports no parameters.
- A multipart without its close delimiter: ringmail's last part runs to the end of the
  enclosing body (docs/mime.md), its final line break included; Python drops that line break
  as if a delimiter followed. One or two octets more in that part's size are expected.
- A header line without a colon: ringmail skips it and the header goes on to the empty line
  (docs/mime.md); Python ends the header there and reads the rest as body
  (MissingHeaderBodySeparatorDefect). That part's size and lines are not compared.
- RFC 2231 values that are not ASCII are sent as NAME* with their extended value (7-bit); they
  are decoded here before comparing with Python's value.
"""
import email
import email.errors
import email.header
import email.policy
import email.utils
import os
import random
import re
import sys
import urllib.parse

SEED = 5
COUNT = 100

# ---------------------------------------------------------------- generation


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.n = 0

    def boundary(self):
        self.n += 1
        return self.r.choice(["b", "=_Part_", "----=_NextPart_", "x y"]) + str(self.n)

    def words(self, k):
        vocab = ["alpha", "beta", "gamma", "delta", "mail", "test", "caf\u00e9", "na\u00efve",
                 "\u041c\u043e\u0441\u043a\u0432\u0430", "x" * 30]
        return " ".join(self.r.choice(vocab) for _ in range(k))

    def text_lines(self):
        return "\n".join(self.words(self.r.randint(1, 12)) for _ in range(self.r.randint(0, 6)))

    def extra_fields(self):
        r = self.r
        out = []
        if r.random() < 0.3:
            out.append("Content-ID: <%d.part@example.org>" % r.randint(1, 10**6))
        if r.random() < 0.3:
            out.append(r.choice(["Content-Description: a description",
                                 "Content-Description: =?utf-8?q?d=C3=A9j=C3=A0?=",
                                 "Content-Description: folded\n  description"]))
        if r.random() < 0.2:
            out.append(r.choice(["Content-Language: en", "Content-Language: en, fr",
                                 "Content-Language: de-CH (Swiss)"]))
        if r.random() < 0.15:
            out.append("Content-Location: http://example.org/part%d" % r.randint(1, 99))
        if r.random() < 0.1:
            out.append("Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==")
        if r.random() < 0.3:
            out.append(r.choice([
                "Content-Disposition: inline",
                "Content-Disposition: attachment; filename=\"a b.txt\"",
                "Content-Disposition: attachment; filename*=utf-8''%C3%A9t%C3%A9.txt",
                "Content-Disposition: attachment;\n filename*0=\"long\"; filename*1=\"name.txt\"",
                "Content-Disposition: INLINE; size=12; creation-date=\"Mon, 1 Jan 2024 10:00:00 +0000\""]))
        return out

    def text_part(self):
        r = self.r
        body = self.text_lines()
        kind = r.choice(["ascii", "utf8", "latin1qp", "b64", "none", "html", "unknown"])
        fields = []
        if kind == "ascii":
            body = body.encode("ascii", "replace").decode()
            fields.append("Content-Type: text/plain; charset=us-ascii")
        elif kind == "utf8":
            fields += ["Content-Type: text/plain; charset=\"utf-8\"; format=flowed",
                       "Content-Transfer-Encoding: 8bit"]
        elif kind == "latin1qp":
            raw = body.encode("latin-1", "replace")
            import quopri
            body = quopri.encodestring(raw).decode("ascii")
            fields += ["Content-Type: text/plain; charset=ISO-8859-1",
                       "Content-Transfer-Encoding: quoted-printable"]
        elif kind == "b64":
            import base64
            body = base64.encodebytes(body.encode("utf-8")).decode("ascii")
            fields += ["Content-Type: text/plain; charset=utf-8",
                       "Content-Transfer-Encoding: BASE64"]
        elif kind == "none":
            body = body.encode("ascii", "replace").decode()
        elif kind == "html":
            fields += ["Content-Type: text/html; charset=utf-8",
                       "Content-Transfer-Encoding: 8bit"]
            body = "<html><body><p>" + body + "</p></body></html>"
        else:
            fields += ["Content-Type: text/plain", "Content-Transfer-Encoding: x-unknown"]
            body = body.encode("ascii", "replace").decode()
        return fields + self.extra_fields(), body

    def binary_part(self):
        import base64
        r = self.r
        data = bytes(r.randrange(256) for _ in range(r.randint(0, 300)))
        ctype = r.choice(["application/octet-stream", "image/png; name=\"pic.png\"",
                          "application/pdf; name*=utf-8''r%C3%A9sum%C3%A9.pdf",
                          "audio/x-wav", "application/vnd.ms-excel; name=\"=?utf-8?q?t=C3=A4st?=.xls\""])
        fields = ["Content-Type: " + ctype, "Content-Transfer-Encoding: base64"]
        return fields + self.extra_fields(), base64.encodebytes(data).decode("ascii")

    def multipart(self, depth, digest_child=False):
        r = self.r
        sub = r.choice(["mixed", "alternative", "related", "digest", "signed"])
        b = self.boundary()
        fields = ["Content-Type: multipart/%s; boundary=\"%s\"%s" % (
            sub, b, "; type=\"text/html\"" if sub == "related" else "")]
        fields += [f for f in self.extra_fields() if not f.startswith("Content-MD5")]
        parts = []
        for _ in range(r.randint(1, 4)):
            if sub == "digest":
                if r.random() < 0.7:
                    parts.append(([], self.message(depth + 1)))  # default message/rfc822
                else:
                    parts.append(self.part(depth + 1))
            else:
                parts.append(self.part(depth + 1))
        body = r.choice(["", "This is a multi-part message in MIME format.\n"])
        for pf, pb in parts:
            body += "--%s\n%s\n%s\n" % (b, "".join(f + "\n" for f in pf), pb)
        broken = r.random()
        if broken < 0.06:
            pass  # missing close delimiter
        else:
            body += "--%s--\n" % b
            if r.random() < 0.3:
                body += "epilogue text\n"
        return fields, body

    def part(self, depth):
        r = self.r
        x = r.random()
        if depth < 3 and x < 0.25:
            return self.multipart(depth)
        if depth < 3 and x < 0.35:
            return ["Content-Type: message/rfc822"] + self.extra_fields(), self.message(depth + 1)
        if x < 0.7:
            return self.text_part()
        return self.binary_part()

    def message(self, depth=0):
        r = self.r
        header = [
            "Date: Mon, %d Jan 2024 10:%02d:00 +0100" % (r.randint(1, 28), r.randint(0, 59)),
            "From: " + r.choice(["Ann <ann@example.org>", "=?utf-8?q?J=C3=B6rg?= <j@example.de>",
                                 "bob@example.net"]),
            "To: team@example.org",
            "Subject: " + r.choice(["hello", "=?iso-8859-1?q?caf=E9?=", "Re: [list] status",
                                    "raw 8-bit \u00fcber"]),
            "Message-ID: <%d@example.org>" % r.randint(1, 10**9),
            "MIME-Version: 1.0",
        ]
        x = r.random()
        if depth >= 2 and x < 0.55:
            x = 0.7 + x / 2  # deep enough: a single part
        if x < 0.55:
            fields, body = self.multipart(depth)
        elif x < 0.62:
            fields, body = ["Content-Type: multipart/mixed"], "--nob\n\nno boundary\n--nob--\n"
        elif x < 0.66:
            fields, body = ["Content-Type: text"], "invalid type: default\n"
        elif x < 0.7:
            fields, body = [], "no content-type at all\n"
        else:
            fields, body = self.part(depth + 2)
        return "\n".join(header + fields) + "\n\n" + body


def generate(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    g = Gen(random.Random(SEED))
    for i in range(COUNT):
        text = g.message()
        data = text.encode("utf-8")
        if i % 7 != 3:  # most with CRLF, some with bare LF as some stores keep them
            data = data.replace(b"\n", b"\r\n")
        with open(os.path.join(out_dir, "%03d.eml" % i), "wb") as f:
            f.write(data)

# ---------------------------------------------------------------- IMAP syntax


def parse_imap(data):
    """The s-expression of an IMAP response value: lists, bytes strings, ints, None (NIL)."""
    pos = 0

    def value():
        nonlocal pos
        while data[pos:pos + 1] == b" ":
            pos += 1
        c = data[pos:pos + 1]
        if c == b"(":
            pos += 1
            items = []
            while True:
                while data[pos:pos + 1] == b" ":
                    pos += 1
                if data[pos:pos + 1] == b")":
                    pos += 1
                    return items
                items.append(value())
        if c == b"\"":
            pos += 1
            out = bytearray()
            while data[pos:pos + 1] != b"\"":
                if data[pos:pos + 1] == b"\\":
                    pos += 1
                out += data[pos:pos + 1]
                pos += 1
            pos += 1
            return bytes(out)
        if c == b"{":
            end = data.index(b"}", pos)
            n = int(data[pos + 1:end])
            pos = end + 3
            out = data[pos:pos + n]
            pos += n
            return out
        m = re.match(rb"[^ ()]+", data[pos:])
        pos += m.end()
        atom = m.group(0)
        if atom == b"NIL":
            return None
        return int(atom)

    return value()

# ---------------------------------------------------------------- comparison


def raw(s):
    """A header-derived str from compat32 back to bytes, unfolded and trimmed."""
    if s is None:
        return None
    if isinstance(s, email.header.Header):  # 8-bit bytes in an encapsulated message's header
        b = b"".join(p if isinstance(p, bytes) else p.encode("ascii", "surrogateescape")
                     for p, _ in email.header.decode_header(s))
    else:
        b = str(s).encode("ascii", "surrogateescape")
    return re.sub(rb"\r?\n", b"", b).strip()


def upper(s):
    return s.upper() if s is not None else None


def field(part, name):
    v = part.get(name)
    return raw(v) if v is not None else None


def decode_extended(value):
    """An RFC 2231 extended value (charset'lang'%XX) decoded."""
    charset, _, rest = value.decode("ascii").split("'", 2)
    return urllib.parse.unquote(rest, encoding=charset or "utf-8", errors="replace")


def python_params(part, header):
    if part.get(header) is None:
        return None
    params = part.get_params(header=header, failobj=None)
    if not params or len(params) < 2:
        return None
    out = {}
    for name, value in params[1:]:
        if isinstance(value, tuple):
            value = email.utils.collapse_rfc2231_value(value)
        elif isinstance(value, str):
            value = email.utils.unquote(value)
        out.setdefault(name.lower(), value)
    return out


def our_params(lst):
    if lst is None:
        return None
    out = {}
    for i in range(0, len(lst), 2):
        name, value = lst[i].decode("ascii"), lst[i + 1]
        if name.endswith("*"):
            out[name[:-1].lower()] = decode_extended(value)
        else:
            out[name.lower()] = value.decode("utf-8", "surrogateescape")
    return out


class Comparer:
    def __init__(self, name):
        self.name = name
        self.errors = []

    def eq(self, path, what, ours, theirs):
        if ours != theirs:
            self.errors.append("%s part %s %s: ringmail %r, python %r" % (
                self.name, path or "TEXT", what, ours, theirs))

    def extension(self, path, ours, part):
        """body-fld-dsp body-fld-lang body-fld-loc, from `ours` (the list's tail)."""
        dsp, lang, loc = ours
        theirs_dsp = part.get("Content-Disposition")
        if theirs_dsp is None:
            self.eq(path, "disposition", dsp, None)
        else:
            self.eq(path, "disposition type", upper(dsp[0]) if dsp else None,
                    raw(theirs_dsp.split(";")[0]).upper())
            self.eq(path, "disposition params", our_params(dsp[1]) if dsp else None,
                    python_params(part, "content-disposition"))
        theirs_lang = field(part, "Content-Language")
        if theirs_lang is not None:
            theirs_lang = [t.strip() for t in re.sub(rb"\([^)]*\)", b"", theirs_lang).split(b",")
                           if t.strip()]
        ours_lang = [lang] if isinstance(lang, bytes) else lang
        self.eq(path, "language", ours_lang, theirs_lang or None)
        self.eq(path, "location", loc, field(part, "Content-Location"))

    def part(self, path, ours, part, in_digest=False, unclosed=False):
        ctype = part.get_content_type()
        main, sub = ctype.split("/")
        if isinstance(ours[0], list):  # a multipart
            children = []
            while isinstance(ours[0], list):
                children.append(ours.pop(0))
            self.eq(path, "type", "MULTIPART", main.upper())
            self.eq(path, "subtype", ours[0], sub.upper().encode())
            self.eq(path, "params", our_params(ours[1]), python_params(part, "content-type"))
            self.extension(path, ours[2:5], part)
            if not part.is_multipart():  # no boundary: one empty text/plain part
                self.eq(path, "empty part", children,
                        [[b"TEXT", b"PLAIN", [b"CHARSET", b"US-ASCII"], None, None, b"7BIT", 0,
                          0]])
                return
            theirs = part.get_payload()
            self.eq(path, "part count", len(children), len(theirs))
            unclosed = any(isinstance(d, email.errors.CloseBoundaryNotFoundDefect)
                           for d in part.defects)
            for i, (c, t) in enumerate(zip(children, theirs)):
                self.part("%s%d" % (path + "." if path else "", i + 1), c, t,
                          sub == "digest", unclosed and i == len(theirs) - 1)
            return
        self.eq(path, "type", ours[0], main.upper().encode())
        self.eq(path, "subtype", ours[1], sub.upper().encode())
        theirs_params = python_params(part, "content-type")
        if part.get("Content-Type") is None or part.get_content_type() != (
                raw(part.get("Content-Type")).split(b";")[0].strip().lower().decode(
                    "ascii", "replace")):
            # RFC 2045 §5.2: the default; ringmail writes its charset out.
            theirs_params = None if ctype == "message/rfc822" else {"charset": "us-ascii"}
        self.eq(path, "params", our_params(ours[2]), theirs_params)
        self.eq(path, "id", ours[3], field(part, "Content-ID"))
        self.eq(path, "description", ours[4], field(part, "Content-Description"))
        cte = field(part, "Content-Transfer-Encoding")
        cte = re.sub(rb"\([^)]*\)", b"", cte).strip().upper() if cte else b"7BIT"
        self.eq(path, "encoding", ours[5], cte)
        rest = ours[7:]
        if ctype == "message/rfc822":
            envelope, body, _lines = rest[0], rest[1], rest[2]
            inner = part.get_payload()[0]
            self.eq(path, "envelope subject", envelope[1], field(inner, "Subject"))
            self.part(path, body, inner)  # the encapsulated message's parts
            rest = rest[3:]
        else:
            # The payload as parsed: get_payload() would re-decode 8-bit text with the charset.
            data = part._payload.encode("ascii", "surrogateescape")
            no_separator = any(isinstance(d, email.errors.MissingHeaderBodySeparatorDefect)
                               for d in part.defects)
            size = ours[6]
            if unclosed and size - len(data) in (1, 2):
                size = len(data)  # the final line break, see above
            if not no_separator:
                self.eq(path, "size", size, len(data))
            if main == "text":
                lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
                if not no_separator:
                    self.eq(path, "lines", rest[0], lines)
                rest = rest[1:]
        self.eq(path, "md5", rest[0], field(part, "Content-MD5"))
        self.extension(path, rest[1:4], part)


def compare(out_dir):
    errors = []
    files = sorted(f for f in os.listdir(out_dir) if f.endswith(".eml"))
    parts = 0
    for f in files:
        with open(os.path.join(out_dir, f), "rb") as fh:
            msg = email.message_from_bytes(fh.read(), policy=email.policy.compat32)
        with open(os.path.join(out_dir, f[:-4] + ".bs"), "rb") as fh:
            ours = parse_imap(fh.read())
        c = Comparer(f)
        c.part("", ours, msg)
        errors += c.errors
        parts += sum(1 for _ in msg.walk())
    # The comparison must be able to fail: a size changed in the first message is reported.
    with open(os.path.join(out_dir, files[0][:-4] + ".bs"), "rb") as fh:
        data = fh.read()
    with open(os.path.join(out_dir, files[0]), "rb") as fh:
        msg = email.message_from_bytes(fh.read(), policy=email.policy.compat32)
    probe = Comparer("self-check")
    probe.part("", parse_imap(re.sub(rb'"7BIT" ([0-9]+)', rb'"7BIT" 9\1', data, count=1)), msg)
    probe.part("", parse_imap(data.replace(b'"PLAIN"', b'"PLAINX"', 1)), msg)
    if len(probe.errors) < 2:
        errors.append("self-check: a changed BODYSTRUCTURE was not reported: %r" % probe.errors)
    for e in errors:
        print(e)
    print("%d messages, %d parts, %d differences" % (len(files), parts, len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("generate", "compare"):
        sys.exit(__doc__)
    if sys.argv[1] == "generate":
        generate(sys.argv[2])
    else:
        sys.exit(compare(sys.argv[2]))
