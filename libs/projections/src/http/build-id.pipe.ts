import { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { ValidationFailed } from '@app/kernel';
import { BUILD_ID_PATTERN } from '@app/platform';

/** A build id path parameter (`policies:v2:ab12cd`); anything else is a 400 naming it. */
export class BuildIdParamPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    const name = metadata.data ?? 'buildId';
    if (typeof value !== 'string' || !BUILD_ID_PATTERN.test(value)) {
      throw new ValidationFailed([{ field: name, message: `${name} must be a build id such as policies:v2:ab12cd` }]);
    }
    return value;
  }
}
