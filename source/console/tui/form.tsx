/**
 * A form: labelled fields validated as the user types, Enter to submit, Esc to cancel. The
 * submit function runs a console command; while it runs the form waits, and when the server
 * refuses, its message is shown verbatim under the fields and the form stays open.
 */
import {Box, Text} from 'ink';
import {useState} from 'react';
import {fit, truncate, wrapWords} from '../format.js';
import type {StatusMessage} from './chrome.js';
import {modalActionFor} from './keymap.js';
import {LineInput} from './line-input.js';
import {tone, useTheme} from './theme.js';
import {KEY_PRIORITY, useKeys} from './use-keys.js';
import {useSubmission} from './use-submission.js';

export type FormValues = Record<string, string>;

export interface FieldSpec {
  name: string;
  label: string | ((values: FormValues) => string);
  kind?: 'text' | 'password' | 'choice';
  /** For a choice: its values (the first is the default). */
  choices?: readonly string[];
  initial?: string;
  placeholder?: string;
  /** The error message for this value, or undefined when it is fine. */
  check?(value: string, values: FormValues): string | undefined;
  /** Hidden fields are neither shown nor checked. */
  visible?(values: FormValues): boolean;
}

export interface FormSpec {
  title: string;
  /** One line under the title. */
  intro?: string;
  fields: FieldSpec[];
  /** Runs the command; resolves with what the status line says. Whatever it throws is shown in the form. */
  submit(values: FormValues): Promise<StatusMessage>;
}

export function initialValues(spec: FormSpec): FormValues {
  const values: FormValues = {};
  for (const field of spec.fields) values[field.name] = field.initial ?? (field.kind === 'choice' ? (field.choices?.[0] ?? '') : '');
  return values;
}

function labelOf(field: FieldSpec, values: FormValues): string {
  return typeof field.label === 'function' ? field.label(values) : field.label;
}

export function visibleFields(spec: FormSpec, values: FormValues): FieldSpec[] {
  return spec.fields.filter((field) => field.visible?.(values) ?? true);
}

export function fieldErrors(spec: FormSpec, values: FormValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of visibleFields(spec, values)) {
    const error = field.check?.(values[field.name] ?? '', values);
    if (error !== undefined) errors[field.name] = error;
  }
  return errors;
}

export interface FormProps {
  spec: FormSpec;
  width: number;
  height: number;
  onDone(message: StatusMessage): void;
  onCancel(): void;
  /** Kept as it is, taking no keys (a question is asked over it). */
  paused?: boolean;
}

export function Form({spec, width, height, onDone, onCancel, paused = false}: FormProps) {
  const theme = useTheme();
  const [values, setValues] = useState<FormValues>(() => initialValues(spec));
  const [focus, setFocus] = useState(0);
  const [attempted, setAttempted] = useState(false);
  const {busy, refusal, submit: run, clearRefusal} = useSubmission(onDone);
  const fields = visibleFields(spec, values);
  const focused = Math.min(focus, fields.length - 1);
  const errors = fieldErrors(spec, values);
  const current = fields[focused];

  const setValue = (name: string, value: string) => {
    setValues((previous) => (previous[name] === value ? previous : {...previous, [name]: value}));
    clearRefusal();
  };

  const submit = () => {
    setAttempted(true);
    const invalid = fields.findIndex((field) => errors[field.name] !== undefined);
    if (invalid !== -1) {
      setFocus(invalid);
      return;
    }
    run(() => spec.submit(values));
  };

  useKeys(
    (input, key) => {
      const action = modalActionFor('form', input, key);
      if (action === 'cancel') onCancel();
      else if (action === 'submit') submit();
      else if (action === 'nextField') setFocus((focused + 1) % fields.length);
      else if (action === 'previousField') setFocus((focused - 1 + fields.length) % fields.length);
      else if (action === 'changeChoice' && current?.kind === 'choice') {
        const choices = current.choices ?? [];
        const at = choices.indexOf(values[current.name] ?? '');
        const next = (at + (key.leftArrow ? choices.length - 1 : 1)) % choices.length;
        setValue(current.name, choices[next]!);
      } else return false;
      return true;
    },
    {active: !busy && !paused, priority: KEY_PRIORITY.modal},
  );

  const labelWidth = Math.min(36, Math.max(...fields.map((field) => labelOf(field, values).length)) + 4);
  const lines = [
    <Text key="title" bold color={tone(theme, 'accent')} wrap="truncate-end">
      {spec.title}
    </Text>,
  ];
  if (spec.intro) {
    // Whole words on as many lines as it needs (two at most: the fields come first).
    wrapWords(spec.intro, width, 2, theme.ascii).forEach((line, index) =>
      lines.push(
        <Text key={`intro-${index}`} color={tone(theme, 'muted')} wrap="truncate-end">
          {line}
        </Text>,
      ),
    );
  }
  lines.push(<Text key="gap"> </Text>);
  fields.forEach((field, index) => {
    const isFocused = index === focused && !busy && !paused;
    const value = values[field.name] ?? '';
    const error = errors[field.name];
    const showError = error !== undefined && (attempted || (value !== '' && field.kind !== 'choice'));
    let input;
    if (field.kind === 'choice') {
      input = (
        <Text>
          {(field.choices ?? []).map((choice) => (
            <Text key={choice} inverse={choice === value && isFocused} bold={choice === value} underline={choice === value && !isFocused}>
              {` ${choice} `}
            </Text>
          ))}
        </Text>
      );
    } else {
      input = (
        <LineInput
          key={field.name}
          value={value}
          onChange={(text) => setValue(field.name, text)}
          focused={isFocused}
          placeholder={field.placeholder ?? ''}
          mask={field.kind === 'password'}
        />
      );
    }
    lines.push(
      <Text key={`field-${field.name}`} wrap="truncate-end">
        <Text bold={isFocused}>{fit(`${isFocused ? '>' : ' '} ${labelOf(field, values)}`, labelWidth, 'left', theme.ascii)}</Text>
        {input}
        {showError ? <Text color={tone(theme, 'error')}>{`  ${theme.ascii ? 'x' : '✗'} ${error}`}</Text> : null}
      </Text>,
    );
  });
  lines.push(<Text key="gap2"> </Text>);
  if (busy) {
    lines.push(
      <Text key="busy" color={tone(theme, 'warn')} wrap="truncate-end">
        Working...
      </Text>,
    );
  } else if (refusal !== null) {
    // The server's message, verbatim, on as many lines as it needs (and the form has).
    const room = Math.max(1, height - lines.length);
    const chunks = wrapWords(refusal, width, room, theme.ascii);
    chunks.forEach((chunk, index) =>
      lines.push(
        <Text key={`refusal-${index}`} color={tone(theme, 'error')} wrap="truncate-end">
          {chunk}
        </Text>,
      ),
    );
  } else {
    lines.push(
      <Text key="hint" color={tone(theme, 'muted')} wrap="truncate-end">
        {truncate('Enter submits, Tab / arrows move between fields, Esc cancels', width, theme.ascii)}
      </Text>,
    );
  }
  return (
    <Box flexDirection="column" height={height} overflowY="hidden">
      {lines.slice(0, height)}
    </Box>
  );
}
