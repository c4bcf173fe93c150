"""Renders patroni.yml.tmpl: python3 render-config.py TEMPLATE OUTPUT.

Each ${NAME} in the template is replaced with the environment variable NAME.
Secrets (names ending in _PASSWORD) become YAML double-quoted strings (JSON
quoting is valid YAML), so any character in a password is safe. Every other
value must be a plain host/name token and is inserted as is, so it can also
be part of a larger value such as "${MEMBER_NAME}:5432".
The output is created with mode 0600: it holds the passwords.
"""
import json
import os
import re
import string
import sys

SAFE = re.compile(r'^[A-Za-z0-9._:,-]+$')


def main(template_path, output_path):
    with open(template_path, encoding='utf-8') as f:
        template = string.Template(f.read())
    values = {}
    for match in template.pattern.finditer(template.template):
        name = match.group('braced') or match.group('named')
        if not name:
            continue
        value = os.environ.get(name)
        if value is None or value == '':
            sys.exit(f'render-config: {name} is not set')
        if name.endswith('_PASSWORD'):
            values[name] = json.dumps(value)
        elif SAFE.match(value):
            values[name] = value
        else:
            sys.exit(f'render-config: {name}={value!r} has characters not allowed in a host or cluster name')
    rendered = template.substitute(values)
    tmp = output_path + '.tmp'
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w', encoding='utf-8') as f:
        f.write(rendered)
    os.chmod(tmp, 0o600)
    os.replace(tmp, output_path)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
