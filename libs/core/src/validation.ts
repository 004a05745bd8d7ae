import { Injectable, type PipeTransform, type Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { badInputs, type InputProblem } from './errors.js';

function problemsOf(errors: ValidationError[], path: string): InputProblem[] {
  return errors.flatMap((error) => {
    const at = /^\d+$/.test(error.property) ? `${path}[${error.property}]` : `${path}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field: at, message: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message }));
    return [...own, ...problemsOf(error.children ?? [], at)];
  });
}

/** The class-validator problems of a class-typed input, each named by its path under `path`. */
export async function inputProblems(instance: object, path: string): Promise<InputProblem[]> {
  return problemsOf(await validate(instance, { forbidUnknownValues: false, whitelist: false }), path);
}

/**
 * Validates each item of a list argument of class-typed inputs (the global pipe sees only
 * `Array` and cannot know the item type): BAD_USER_INPUT naming each problem, e.g.
 * `fields[1].name: must start with a lower-case letter…`.
 */
@Injectable()
export class EachValidPipe<T extends object> implements PipeTransform<unknown, Promise<unknown>> {
  constructor(
    private readonly type: Type<T>,
    private readonly argument: string,
  ) {}

  async transform(value: unknown): Promise<unknown> {
    if (!Array.isArray(value)) return value;
    const items = value.map((item: unknown) => (item !== null && typeof item === 'object' ? plainToInstance(this.type, item) : item));
    const problems = (await Promise.all(items.map((item, index) => (typeof item === 'object' && item !== null ? inputProblems(item, `${this.argument}[${index}]`) : [])))).flat();
    if (problems.length > 0) throw badInputs(problems);
    return items;
  }
}
