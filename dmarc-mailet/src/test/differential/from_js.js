// Reads a JSON array of header sections (code points U+0000-U+00FF = the wire bytes) on stdin; prints a JSON
// object {"email-addresses": [...], "addressparser": [...]} with, for each section, the author domains each npm
// parser reads from its From fields (lines split at CRLF, CR or LF and unfolded, as browser-based clients do),
// or null when it reads none.
'use strict';
const emailAddresses = require('email-addresses');
const addressparser = require('addressparser');

function fromValues(section) {
  const text = Buffer.from(section, 'latin1').toString('utf8');
  const lines = text.split(/\r\n|\r|\n/);
  const fields = [];
  for (const line of lines) {
    if (line === '') break;
    if ((line[0] === ' ' || line[0] === '\t') && fields.length > 0) {
      fields[fields.length - 1] += line;
    } else {
      fields.push(line);
    }
  }
  return fields.filter(f => /^from\s*:/i.test(f)).map(f => f.slice(f.indexOf(':') + 1));
}

function domainOf(address) {
  if (typeof address !== 'string') return null;
  const at = address.lastIndexOf('@');
  return at < 0 ? null : address.slice(at + 1);
}

function viaEmailAddresses(values) {
  const out = [];
  for (const v of values) {
    let list = null;
    try {
      const r = emailAddresses.parseAddressList({ input: v, rfc6532: true, partial: false, simple: false });
      list = Array.isArray(r) ? r : (r && Array.isArray(r.addresses) ? r.addresses : null);
    } catch (e) {
      list = null;
    }
    for (const a of list || []) {
      const members = a.type === 'group' ? (a.addresses || []) : [a];
      for (const m of members) if (m.domain) out.push(m.domain);
    }
  }
  return out.length ? out : null;
}

// addressparser does not nest comments nor honour a quoted-pair inside one (RFC 5322 §3.2.2): it ends a comment
// at its first ')' and reads the rest of it as address text ('x@a.test ((y) b@c.test)' gives 'b@c.test)').
// Every other reader here nests comments as the RFC says, and our reader does too, so for a field whose comments
// nest or hold a quoted-pair this quirk of one library is left out of the comparison, nothing else.
function commentsNestOrEscape(value) {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (depth > 0) {
      if (c === '\\' || c === '(') return true;
      if (c === ')') depth--;
    } else if (c === '"') {
      quoted = true;
    } else if (c === '(') {
      depth = 1;
    }
  }
  return false;
}

function viaAddressparser(values) {
  const out = [];
  const walk = list => {
    for (const a of list || []) {
      if (a.group) walk(a.group);
      const d = domainOf(a.address);
      if (d) out.push(d);
    }
  };
  for (const v of values) {
    if (commentsNestOrEscape(v)) continue;
    try {
      walk(addressparser(v));
    } catch (e) {
      // gives up: no author
    }
  }
  return out.length ? out : null;
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', c => { input += c; });
process.stdin.on('end', () => {
  const sections = JSON.parse(input);
  const values = sections.map(fromValues);
  process.stdout.write(JSON.stringify({
    'email-addresses': values.map(viaEmailAddresses),
    'addressparser': values.map(viaAddressparser),
  }));
});
