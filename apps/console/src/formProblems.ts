import type { FormInstance } from 'antd';

/** A problem the API found with one input (BAD_USER_INPUT `extensions.problems`, or `extensions.field`). */
export interface InputProblem {
  field: string;
  message: string;
}

/**
 * `input.fields[2].name` → `['fields', 2, 'name']`: the form item the problem is about. `prefix`
 * is the argument the form fills (`input` of a mutation's input object; none for a list argument
 * like defineFields' `fields`, whose paths the form keeps).
 */
export function formPath(field: string, prefix = 'input'): (string | number)[] {
  const path = field.startsWith(`${prefix}.`) ? field.slice(prefix.length + 1) : field;
  return path
    .split(/\.|\[(\d+)\]/)
    .filter((part) => part !== undefined && part !== '')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

interface ErrorLike {
  graphQLErrors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Every input problem an API error names, from either shape the API answers with. */
export function inputProblemsOf(error: unknown): InputProblem[] {
  const errors = (error as ErrorLike | null)?.graphQLErrors ?? [];
  return errors.flatMap((graphQLError) => {
    const extensions = graphQLError.extensions ?? {};
    if (Array.isArray(extensions.problems)) return extensions.problems as InputProblem[];
    if (typeof extensions.field === 'string') {
      // badInput's message is "<field>: <what is wrong>".
      const message = graphQLError.message.startsWith(`${extensions.field}: `) ? graphQLError.message.slice(extensions.field.length + 2) : graphQLError.message;
      return [{ field: extensions.field, message }];
    }
    return [];
  });
}

/**
 * The problems as antd's `form.setFields` takes them: each under the form item it is about.
 * Those about no item of this form (`known` says which names it has) are answered apart, to be
 * shown above the form.
 */
export function problemsOnForm(problems: InputProblem[], known: (path: (string | number)[]) => boolean, prefix = 'input') {
  const onForm = new Map<string, { name: (string | number)[]; errors: string[] }>();
  const elsewhere: InputProblem[] = [];
  for (const problem of problems) {
    const name = formPath(problem.field, prefix);
    if (!known(name)) {
      elsewhere.push(problem);
      continue;
    }
    const key = JSON.stringify(name);
    const entry = onForm.get(key) ?? { name, errors: [] };
    entry.errors.push(problem.message);
    onForm.set(key, entry);
  }
  return { onForm: [...onForm.values()], elsewhere };
}

/**
 * Shows each problem of a refused mutation under the form item it is about; answers how many
 * items it marked and the problems no item can show.
 */
export function showProblemsOnForm(
  form: Pick<FormInstance, 'setFields'>,
  error: unknown,
  known: (path: (string | number)[]) => boolean,
  prefix?: string,
): { shown: number; elsewhere: InputProblem[] } {
  const { onForm, elsewhere } = problemsOnForm(inputProblemsOf(error), known, prefix);
  form.setFields(onForm.map((problem) => ({ name: problem.name as never, errors: problem.errors })));
  return { shown: onForm.length, elsewhere };
}
