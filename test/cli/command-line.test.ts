import {test} from 'node:test';
import assert from 'node:assert/strict';
import {checkPort, parseCommandLine} from '../../source/cli/command-line.js';
import {UsageError} from '../../source/exit-codes.js';

const FLAGS = {
  port: {type: 'number', shortFlag: 'p', default: 4040},
  authData: {type: 'string', default: '{}'},
  reverse: {type: 'boolean', shortFlag: 'r', default: false},
  sslValidate: {type: 'boolean', default: true},
} as const;

const parse = (...argv: string[]) => parseCommandLine('help', FLAGS, argv, import.meta);

test('parses with meow, and tells which flags were written rather than defaulted', () => {
  const title = process.title;
  const cli = parse('-p', '22', '--no-ssl-validate', 'extra');
  assert.deepEqual(cli.flags, {port: 22, authData: '{}', reverse: false, sslValidate: false});
  assert.deepEqual(cli.input, ['extra']);
  assert.deepEqual([...cli.given].sort(), ['port', 'sslValidate']);
  assert.equal(process.title, title, "meow's process title is not kept");
  assert.deepEqual([...parse('--authData', '{"a": 1}', '-r').given].sort(), ['authData', 'reverse']);
});

test('every mistake is one UsageError line', () => {
  const cases: Array<[string[], string]> = [
    [['--nope'], 'Unknown flag --nope (see --help)'],
    [['-x'], 'Unknown flag -x (see --help)'],
    [['--port', '1', '-p', '2'], '--port can only be given once'],
    [['-r', '-r'], '--reverse can only be given once'],
    [['--port'], '--port needs a value'],
    [['--auth-data', '--reverse'], '--auth-data needs a value'],
    [['--reverse=yes'], '--reverse takes no value'],
  ];
  for (const [argv, message] of cases) assert.throws(() => parse(...argv), new UsageError(message), argv.join(' '));
  // A negative number is a value (that checkPort then refuses), not a flag.
  assert.equal(parse('--port', '-1').flags.port, -1);
});

test('checkPort: an integer from min to 65535', () => {
  assert.equal(checkPort(undefined, 'port'), undefined);
  assert.equal(checkPort(0, 'port', 0), 0);
  assert.throws(() => checkPort(0, 'remote-port'), new UsageError('--remote-port must be an integer from 1 to 65535'));
  assert.throws(() => checkPort(Number.NaN, 'port', 0), new UsageError('--port must be an integer from 0 to 65535'));
});
