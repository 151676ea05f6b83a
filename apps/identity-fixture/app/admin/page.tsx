import { bump } from './actions';

export default function Admin() {
  return (
    <form action={bump}>
      <input type="hidden" name="id" value="1" />
      <button type="submit">Bump 1</button>
    </form>
  );
}
