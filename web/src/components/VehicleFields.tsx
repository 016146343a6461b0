// The vehicle form fields shared by "add" and "edit": make/model/year, and the optional details.
import type { Form } from '../lib/hooks.ts';
import { Field } from './ui.tsx';

export function ModelFields({ form }: { form: Form }) {
  return (
    <div className="grid3">
      <Field form={form} name="make" label="Make" required maxLength={50} />
      <Field form={form} name="model" label="Model" required maxLength={50} />
      <Field form={form} name="year" label="Year" type="number" inputMode="numeric" required />
    </div>
  );
}

export function DetailFields({ form, odometerRequired = false }: { form: Form; odometerRequired?: boolean }) {
  return (
    <div className="grid2">
      <Field form={form} name="nickname" label="Nickname" maxLength={100} />
      <Field form={form} name="color" label="Color" maxLength={30} />
      <Field form={form} name="licensePlate" label="License plate" maxLength={15} />
      <Field form={form} name="odometer" label="Odometer (miles)" type="number" inputMode="numeric" required={odometerRequired} />
    </div>
  );
}
