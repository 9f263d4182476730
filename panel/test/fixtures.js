// The bridge messages of fixtures/messages.json, each checked against ../bridge-schema.json
// (the JSON Schema exported from webrtc_party/rose/bridge_messages.py) before any test uses it.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';

const read = (name) => JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8'));

export const SCHEMA = read('../bridge-schema.json');
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
export const validate = ajv.compile(SCHEMA);

const all = read('./fixtures/messages.json');
delete all.$comment;

/** name -> {from: 'ours' | 'rose', message}, as in the file. */
export const FIXTURES = all;

/** A fresh copy of fixture `name`'s message, valid under the schema (else it throws). */
export function fixture(name, changes = {}) {
  if (!(name in all)) throw new Error(`no fixture ${name}`);
  const message = { ...structuredClone(all[name].message), ...changes };
  if (!validate(message)) {
    throw new Error(`fixture ${name} does not fit bridge-schema.json: ${ajv.errorsText(validate.errors)}`);
  }
  return message;
}

/** Deep-freezes `value`: a reducer that changes its input then throws in strict mode. */
export function frozen(value) {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) frozen(v);
  }
  return value;
}
