// Coop in ASP.NET Core. The box office's state lives on the Coop event loop: only the loop thread
// touches it, so it needs no thread-safe code. A hosted coroutine adds seats every second; the
// endpoints run on the thread pool and call into the loop with InvokeAsync, passing the request's
// token, so a client that hangs up cancels its coroutine. Stopping the app (Ctrl+C) cancels every
// coroutine and waits for its finally blocks before the process exits.
//
//   dotnet run --project examples/hosting
//   curl http://localhost:5000/seats
//   curl -X POST http://localhost:5000/buy/3      # waits until 3 seats are free
using Coop;
using Coop.Examples.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton<BoxOffice>();
builder.Services.AddHostedCoroutine<Restocker>(); // also adds the loop (AddCoopEventLoop)
var app = builder.Build();

// EventLoop and BoxOffice come from DI; the CancellationToken is the request's (RequestAborted).
app.MapGet("/seats", (EventLoop loop, BoxOffice office, CancellationToken token) =>
    loop.InvokeAsync(office.CountAsync, token));

app.MapPost("/buy/{count:int}", async (int count, EventLoop loop, BoxOffice office, CancellationToken token) =>
{
    var left = await loop.InvokeAsync(() => office.BuyAsync(count), token);
    return Results.Ok(new { bought = count, left });
});

app.Run();
