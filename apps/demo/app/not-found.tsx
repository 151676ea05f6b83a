export default function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        There is no such page. <a href="/">Back to the shop</a>.
      </p>
    </>
  );
}
